import { Cron } from 'croner';
import fp from 'fastify-plugin';
import { AppError } from '../lib/app-error.js';

export type RetentionScheduler = {
  /** The cron expression in force, or null once stopped. */
  pattern(): string | null;
  nextRunAt(): Date | null;
  /** When a run missed while the server was down is due to start, or null. */
  catchUpAt(): Date | null;
};

declare module 'fastify' {
  interface FastifyInstance {
    retentionScheduler: RetentionScheduler;
  }
}

/** "Shortly after start": long enough for the server to be serving, short enough to matter. */
export const CATCH_UP_DELAY_MS = 5_000;

/**
 * Decides *when* retention runs; the service does the work. The cron comes from the persisted
 * policy and follows policy changes without restart. A fire time missed while the server was
 * down (the next fire after the last scheduled run, or after the scheduler first started on
 * this file, is already past) runs once shortly after start.
 *
 * When another process holds the retention lease, the tick is skipped and logged, and nothing
 * is recorded: that process's run is in the history, and one database file shares one history.
 * A scheduled run that fails is recorded (status failed, with its error) by the service.
 */
export default fp(
  async function retentionScheduler(app, opts: { catchUpDelayMs?: number }) {
    const retention = app.services.retention;
    const catchUpDelayMs = opts.catchUpDelayMs ?? CATCH_UP_DELAY_MS;
    let job: Cron | null = null;
    let catchUp: { timer: NodeJS.Timeout; at: Date } | null = null;
    let current: Promise<void> | null = null;
    let stopped = false;

    async function fire(why: 'schedule' | 'catch-up'): Promise<void> {
      if (stopped || current) return;
      current = (async () => {
        try {
          const run = await retention.run({ trigger: 'scheduled' });
          app.log.info({ runId: run.id, why }, 'retention: scheduled run done');
        } catch (err) {
          if (err instanceof AppError && err.code === 'RETENTION_RUNNING') {
            app.log.info({ why }, 'retention: scheduled run skipped, another run holds the lease');
          } else {
            app.log.error({ err, why }, 'retention: scheduled run failed');
          }
        }
      })();
      try {
        await current;
      } finally {
        current = null;
      }
    }

    function schedule(pattern: string): void {
      if (stopped) return;
      job?.stop();
      // unref: the server keeps the process alive, the schedule alone must not.
      job = new Cron(pattern, { protect: true, unref: true }, () => fire('schedule'));
    }

    const unsubscribe = retention.onPolicyChange(function reschedule(policy) {
      if (policy.schedule === job?.getPattern()) return;
      schedule(policy.schedule);
      app.log.info({ schedule: policy.schedule, nextRunAt: job?.nextRun() }, 'retention: rescheduled');
    });

    app.decorate('retentionScheduler', {
      pattern: () => (stopped ? null : (job?.getPattern() ?? null)),
      nextRunAt: () => (stopped ? null : (job?.nextRun() ?? null)),
      catchUpAt: () => catchUp?.at ?? null,
    });

    app.addHook('onReady', async function startScheduler() {
      const { schedule: pattern } = await retention.getPolicy();
      schedule(pattern);
      const since = await retention.schedulerSince();
      const reference = Math.max((await retention.lastScheduledStart()) ?? since, 0);
      const missed = job?.nextRun(new Date(reference));
      if (missed && missed.getTime() <= Date.now()) {
        const at = new Date(Date.now() + catchUpDelayMs);
        const timer = setTimeout(() => {
          catchUp = null;
          void fire('catch-up');
        }, catchUpDelayMs);
        timer.unref();
        catchUp = { timer, at };
        app.log.info({ missed, at }, 'retention: a scheduled run was missed while the server was down; it runs shortly');
      }
      app.log.info({ schedule: pattern, nextRunAt: job?.nextRun() }, 'retention: scheduler started');
    });

    // Before the database closes (onClose): no new fire, and a run in progress stops between slices.
    app.addHook('preClose', async function stopScheduler() {
      stopped = true;
      unsubscribe();
      job?.stop();
      if (catchUp) clearTimeout(catchUp.timer);
      catchUp = null;
      await retention.abortRuns('aborted: the server is shutting down');
      await current;
    });
  },
  { name: 'retention-scheduler', dependencies: ['services', 'store'] },
);
