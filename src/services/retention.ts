import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { RetentionCounts, RetentionRun } from '../db/store.js';
import { AppError, conflict } from '../lib/app-error.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { newId } from '../lib/ids.js';
import { LeaseLostError, RunAbortedError } from '../lib/run-errors.js';
import { iso } from '../lib/time.js';
import type { ServiceDeps } from './deps.js';
import { loadPolicy, savePolicy, type RetentionPolicy } from './retention-policy.js';
import { runView, type RetentionRunView, type RunTrigger } from './retention-runs.js';

export type { RetentionRunView, RunTrigger } from './retention-runs.js';
export type { RetentionPolicy, VacuumMode } from './retention-policy.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Past this many deleted rows the planner statistics are refreshed. */
const ANALYZE_AFTER_ROWS = 10_000;

export type RunOptions = {
  dryRun?: boolean;
  trigger?: RunTrigger;
  signal?: AbortSignal;
  /** Observes every slice (elapsed ms, rows): the benchmark records how long each held the thread. */
  onSlice?: (elapsedMs: number, processed: number) => void;
};

export function cutoffsFor(policy: RetentionPolicy, now: number) {
  return {
    toolCalls: now - policy.toolCallsDays * DAY_MS,
    productivityEvents: now - policy.productivityEventsDays * DAY_MS,
    featureUsage: now - policy.featureUsageDays * DAY_MS,
    sessions: now - policy.sessionsDays * DAY_MS,
    stale: now - policy.staleSessionHours * HOUR_MS,
  };
}

const noCounts = (): RetentionCounts => ({ toolCalls: 0, sessions: 0, productivityEvents: 0, featureUsage: 0, staleSessionsClosed: 0 });
const retentionRunning = (detail: string) => conflict('RETENTION_RUNNING', detail);
const CHILDREN = ['toolCalls', 'productivityEvents', 'featureUsage'] as const;

/**
 * Retention (contract "Retention and maintenance"): the policy, runs and their history. A run
 * walks the rules in this order, so a dry run counts exactly what the run would delete on
 * unchanged data: (1) tool calls, productivity events and feature usage older than their own
 * limit; (2) ended sessions whose last activity is older than sessionsDays, with everything
 * under them; (3) active sessions idle for staleSessionHours become cancelled (after step 2, so
 * a session that was active when the run started is never deleted by that run); then rollups
 * past rollupDays (trends outlive raw rows) and space reclamation. One run at a time per
 * database, across processes. Knows nothing of Fastify: the scheduler listens to onPolicyChange.
 */
export function createRetentionService({ store, now, log }: ServiceDeps) {
  const policyListeners = new Set<(policy: RetentionPolicy) => void>();
  const inFlight = new Map<string, { controller: AbortController; done: Promise<unknown> }>();

  async function execute(run: RetentionRun, policy: RetentionPolicy, startedAt: number, dryRun: boolean, counts: RetentionCounts): Promise<string | null> {
    const cut = cutoffsFor(policy, startedAt);
    if (dryRun) {
      Object.assign(counts, await run.countExpired(cut));
      return 'dry run: nothing deleted, nothing vacuumed';
    }
    let phaseStart = performance.now();
    const phaseDone = (phase: string, extra: object = {}) => {
      log.info({ runId: run.id, phase, ms: Math.round(performance.now() - phaseStart), ...extra }, 'retention: phase done');
      phaseStart = performance.now();
    };
    for (const kind of CHILDREN) await run.deleteOlder(kind, cut[kind], (n) => (counts[kind] += n));
    await run.deleteEndedSessions(cut.sessions, (d) => {
      for (const [k, n] of Object.entries(d) as Array<[keyof RetentionCounts, number]>) counts[k] += n;
    });
    await run.closeStale(cut.stale, startedAt, (n) => (counts.staleSessionsClosed += n));
    phaseDone('delete', { counts });
    const rollupRows = await run.deleteExpiredRollups(startedAt - policy.rollupDays * DAY_MS);
    phaseDone('rollups', { rollupRows });
    if (counts.toolCalls + counts.sessions + counts.productivityEvents + counts.featureUsage >= ANALYZE_AFTER_ROWS) {
      await run.analyze();
      phaseDone('analyze');
    }
    const note = await run.reclaimSpace(policy.vacuum);
    phaseDone('vacuum');
    return note;
  }

  async function perform(run: RetentionRun, policy: RetentionPolicy, startedAt: number, opts: RunOptions): Promise<void> {
    const counts = noCounts();
    try {
      const note = await execute(run, policy, startedAt, opts.dryRun ?? false, counts);
      await run.finish({ status: 'succeeded', finishedAt: Math.max(now(), startedAt), counts, note, error: null });
    } catch (err) {
      const message = err instanceof RunAbortedError || err instanceof LeaseLostError ? err.message : `failed: ${err instanceof Error ? err.message : String(err)}`;
      // A failed run keeps the counts of the slices it committed before failing.
      await run.finish({ status: 'failed', finishedAt: now(), counts: opts.dryRun ? noCounts() : counts, note: null, error: message }).catch((recordErr: unknown) => {
        // The next run that takes the lease closes a row left `running`.
        log.error({ err: recordErr, runId: run.id }, 'retention: could not record the failed run');
      });
      throw err;
    }
  }

  async function runOnce(opts: RunOptions = {}): Promise<RetentionRunView> {
    const holder = `${hostname()}:${process.pid}:${newId()}`;
    const controller = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
    const t0 = now();
    const policy = await loadPolicy(store);
    const run = await store.retention.openRun({ trigger: opts.trigger ?? 'manual', dryRun: opts.dryRun ?? false, vacuumMode: policy.vacuum, startedAt: t0 }, { holder, signal, now, onSlice: opts.onSlice });
    if (!run) {
      const other = await store.retention.currentLease(t0);
      throw retentionRunning(`a retention run is in progress${other ? ` (lease held by ${other.holder} until ${iso(other.expiresAt)})` : ''}; retry later`);
    }
    log.info({ runId: run.id, dryRun: opts.dryRun ?? false, trigger: opts.trigger ?? 'manual' }, 'retention run started');
    const done = perform(run, policy, t0, opts).finally(() => inFlight.delete(holder));
    inFlight.set(holder, { controller, done });
    try {
      await done;
    } catch (err) {
      if (err instanceof RunAbortedError) throw new AppError(503, 'RETENTION_ABORTED', err.message, undefined, { 'retry-after': '5' });
      if (err instanceof LeaseLostError) throw retentionRunning(err.message);
      throw err;
    }
    const row = await store.retention.run(run.id);
    if (!row) throw new Error(`retention run ${run.id} vanished`);
    const view = runView(row);
    log.info({ runId: run.id, deleted: view.deleted, staleSessionsClosed: view.staleSessionsClosed, durationMs: view.durationMs }, 'retention run finished');
    return view;
  }

  return {
    getPolicy: (): Promise<RetentionPolicy> => loadPolicy(store),

    /** Replaces the policy (validated) and tells listeners, so a new schedule applies without restart. */
    async putPolicy(policy: Parameters<typeof savePolicy>[1]): Promise<RetentionPolicy> {
      const saved = await savePolicy(store, policy, now());
      for (const listener of policyListeners) listener(saved);
      return saved;
    },

    onPolicyChange(listener: (policy: RetentionPolicy) => void): () => void {
      policyListeners.add(listener);
      return () => policyListeners.delete(listener);
    },

    run: runOnce,

    async listRuns(opts: { limit: number; cursor?: string }): Promise<{ items: RetentionRunView[]; nextCursor: string | null }> {
      const after = opts.cursor ? (decodeCursor(opts.cursor, ['number', 'number']) as [number, number]) : undefined;
      const result = page(await store.retention.listRuns({ after, limit: opts.limit + 1 }), opts.limit, (r) => [r.startedAt, r.id]);
      return { items: result.rows.map(runView), nextCursor: result.nextCursor };
    },

    async lastRun(): Promise<RetentionRunView | null> {
      const row = await store.retention.lastRun();
      return row ? runView(row) : null;
    },

    lastScheduledStart: () => store.retention.lastScheduledStart(),

    /**
     * When the scheduler first ran against this database. A missed run is judged from the last
     * scheduled run, or from this moment when there never was one (a laptop that is always off
     * at night still gets its retention after start).
     */
    schedulerSince: () => store.retention.schedulerSince(now()),

    async isRunning(): Promise<boolean> {
      return inFlight.size > 0 || (await store.retention.currentLease(now())) !== null;
    },

    /** Stops this process's runs between two slices (recorded as failed) and waits for them. */
    async abortRuns(reason = 'aborted: the server is shutting down'): Promise<void> {
      const running = [...inFlight.values()];
      for (const r of running) r.controller.abort(reason);
      await Promise.allSettled(running.map((r) => r.done));
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
