import { hostname } from 'node:os';
import { AppError, conflict } from '../lib/app-error.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { newId } from '../lib/ids.js';
import { LeaseLostError, RunAbortedError } from '../lib/run-errors.js';
import { iso } from '../lib/time.js';
import type { ServiceDeps } from './deps.js';
import { createRetentionCounters, type RetentionTotals } from './retention-counters.js';
import { loadPolicy, savePolicy, type RetentionPolicy } from './retention-policy.js';
import { runView, type RetentionRunView, type RunTrigger } from './retention-runs.js';
import { performRun } from './retention-steps.js';

export type { RetentionRunView, RunTrigger } from './retention-runs.js';
export type { RetentionPolicy, VacuumMode } from './retention-policy.js';
export { cutoffsFor } from './retention-steps.js';

export type RunOptions = {
  dryRun?: boolean;
  trigger?: RunTrigger;
  signal?: AbortSignal;
  /** Observes every slice (elapsed ms, rows): the benchmark records how long each held the thread. */
  onSlice?: (elapsedMs: number, processed: number) => void;
};

const retentionRunning = (detail: string) => conflict('RETENTION_RUNNING', detail);

/**
 * Retention (contract "Retention and maintenance"): the policy, runs and their history. A run
 * walks the rules in a fixed order (retention-steps.ts). One run at a time per database, across
 * processes. Knows nothing of Fastify: the scheduler listens to onPolicyChange.
 */
export function createRetentionService({ store, now, log }: ServiceDeps) {
  const policyListeners = new Set<(policy: RetentionPolicy) => void>();
  const inFlight = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  const finished = createRetentionCounters();

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
    const done = performRun({ now, log, onFinished: finished.record }, run, policy, t0, opts.dryRun ?? false).finally(() => inFlight.delete(holder));
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

    /** Runs this process finished since it started and the rows they deleted (GET /metrics). */
    finishedRuns: (): RetentionTotals => finished.snapshot(),

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
