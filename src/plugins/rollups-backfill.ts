import fp from 'fastify-plugin';
import { RunAbortedError } from '../lib/run-errors.js';

/** How often closed UTC days are looked for (a day closes CLOSE_GRACE_MS after its end). */
const CLOSE_EVERY_MS = 5 * 60_000;

/**
 * Background upkeep of the tool-call rollups (issue 9), one job at a time, with the scheduler
 * (DEVFLOW_SCHEDULER: background maintenance belongs to one process):
 * - after start, builds the rollups for rows stored before they existed, in slot-range slices
 *   of ~10 ms that yield to requests between them, the cursor saved with each, so a restart
 *   resumes; until it completes the tool reports read raw rows (`devflow rollups rebuild` does
 *   the same from the command line);
 * - rollups built by an older version get their summaries recomputed in the current layout the
 *   same way (the reports use the new summaries once that completes);
 * - then every few minutes, closes the UTC days that ended: their summaries over a slot
 *   folded from the slot rollups (kept live only for closed days, see isFoldedAtClose).
 */
export default fp(
  async function rollupsBackfill(app) {
    const rollups = app.services.rollups;
    const controller = new AbortController();
    let chain: Promise<void> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;

    const run = (job: () => Promise<void>) => {
      chain = chain.then(job).catch((err: unknown) => {
        if (err instanceof RunAbortedError) app.log.info('rollups: background work stopped; it resumes at the next start');
        else app.log.error({ err }, 'rollups: background work failed; the tool reports keep answering from what is built (devflow rollups rebuild)');
      });
    };
    const closeDays = async () => {
      const { days } = await rollups.closeDays(controller.signal);
      if (days > 0) app.log.info({ days }, 'rollups: closed days folded into their day summaries');
    };

    app.addHook('onReady', async function startBackfill() {
      if (!app.config.rollups) return;
      if (!(await rollups.state()).built) {
        app.log.info('rollups: backfill started');
        run(async () => {
          const result = await rollups.rebuild({ resume: true, signal: controller.signal });
          app.log.info(result, 'rollups: backfill done; the tool reports read rollups from now on');
        });
      }
      run(async () => {
        if (!(await rollups.needsUpgrade())) return;
        const result = await rollups.upgradeSummaries(controller.signal);
        app.log.info(result, 'rollups: summaries upgraded to the current layout');
      });
      run(closeDays);
      timer = setInterval(() => run(closeDays), CLOSE_EVERY_MS);
      timer.unref();
    });

    app.addHook('preClose', async function stopBackfill() {
      clearInterval(timer);
      controller.abort('aborted: the server is shutting down');
      await chain;
    });
  },
  { name: 'rollups-backfill', dependencies: ['services', 'store'] },
);
