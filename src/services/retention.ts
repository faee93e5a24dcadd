import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { databaseSizes, optimize, writeTransaction, type Db } from '../db/sqlite/client.js';
import { startWalCheckpointer, type WalTruncation } from '../db/sqlite/wal-checkpointer.js';
import { retentionRuns } from '../db/sqlite/schema.js';
import { AppError, conflict } from '../lib/app-error.js';
import { newId } from '../lib/ids.js';
import { iso } from '../lib/time.js';
import type { ServiceDeps } from './index.js';
import { acquireLease, currentLease, LEASE_RENEW_MS, LeaseLostError, releaseLease, renewLease } from './retention-lease.js';
import { loadPolicy, savePolicy, schedulerSince, type RetentionPolicy } from './retention-policy.js';
import { getRun, lastRun, lastScheduledStart, listRuns, type RetentionRunView, type RunTrigger } from './retention-runs.js';
import { releaseWriteLock, RunAbortedError, timed, type SliceContext } from './retention-slices.js';
import { countExpired, deleteExpired, noCounts, prepareSteps, type Counts, type Cutoffs } from './retention-steps.js';
import { finishWal, reclaimSpace } from './retention-vacuum.js';
import { deleteExpiredRollups, type RollupService } from './rollups.js';
import type { SessionDimsCache } from './session-dims.js';
import type { ToolCallInbox } from './tool-call-inbox.js';

export { lastRun } from './retention-runs.js';
export type { RetentionRunView, RunTrigger } from './retention-runs.js';
export type { RetentionPolicy, VacuumMode } from './retention-policy.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Past this many deleted rows the planner statistics are refreshed (PRAGMA optimize). */
const OPTIMIZE_AFTER_ROWS = 10_000;
/**
 * Between write slices the run waits for the WAL checkpointer once the log holds this much: a
 * run writes far faster than ingest, and a checkpoint that holds writers back (RESTART) must
 * copy and fsync whatever the log holds, so the requests waiting for it see the size of the log.
 */
const DRAIN_ABOVE_BYTES = 16 * 1024 * 1024;

export type RunOptions = {
  dryRun?: boolean;
  trigger?: RunTrigger;
  signal?: AbortSignal;
  /** Observes every slice (elapsed ms, rows): the benchmark records how long each held the thread. */
  onSlice?: (elapsedMs: number, processed: number) => void;
};

export function cutoffsFor(policy: RetentionPolicy, now: number): Cutoffs {
  return {
    toolCalls: now - policy.toolCallsDays * DAY_MS,
    productivityEvents: now - policy.productivityEventsDays * DAY_MS,
    featureUsage: now - policy.featureUsageDays * DAY_MS,
    sessions: now - policy.sessionsDays * DAY_MS,
    stale: now - policy.staleSessionHours * HOUR_MS,
  };
}

function countColumns(c: Counts) {
  return {
    deletedToolCalls: c.toolCalls,
    deletedSessions: c.sessions,
    deletedProductivityEvents: c.productivityEvents,
    deletedFeatureUsage: c.featureUsage,
    staleSessionsClosed: c.staleSessionsClosed,
  };
}

const retentionRunning = (detail: string) => conflict('RETENTION_RUNNING', detail);

/**
 * Retention: the policy, runs (batched deletes that yield to ingest, then space reclamation)
 * and their history. One run at a time per database file, across processes, via a lease.
 * Knows nothing of Fastify: the scheduler plugin listens to policy changes with onPolicyChange.
 */
export function createRetentionService({ db, config, now, log, rollups, inbox, sessionDims }: ServiceDeps & { rollups: RollupService; inbox: ToolCallInbox; sessionDims?: SessionDimsCache }) {
  const steps = prepareSteps(db);
  const policyListeners = new Set<(policy: RetentionPolicy) => void>();
  const inFlight = new Map<string, { controller: AbortController; done: Promise<unknown> }>();

  async function execute(holder: string, runId: number, opts: RunOptions, policy: RetentionPolicy, signal: AbortSignal, counts: Counts): Promise<void> {
    const startedAt = now();
    let lastRenewal = startedAt;
    const ctx: SliceContext = {
      db,
      signal,
      onSlice: opts.onSlice,
      leaseDue: () => now() - lastRenewal >= LEASE_RENEW_MS,
      sessionsDeleted: () => sessionDims?.forgetAll(),
      keepLease(tx: Db, force = false) {
        const t = now();
        if (!force && t - lastRenewal < LEASE_RENEW_MS) return;
        renewLease(tx, holder, t);
        lastRenewal = t;
      },
    };
    const cut = cutoffsFor(policy, startedAt);
    // Calls staged by now are judged like stored ones (later ones are the next run's).
    inbox.drain();
    let note: string | null = 'dry run: nothing deleted, nothing vacuumed';
    if (opts.dryRun) {
      Object.assign(counts, await countExpired(ctx, steps, cut));
    } else {
      // While this run writes, WAL checkpoints happen off the request thread (wal-checkpointer.ts).
      const checkpoints = startWalCheckpointer(db, config.dbPath);
      ctx.pause = async () => {
        await releaseWriteLock();
        await checkpoints.drainIfLarge(DRAIN_ABOVE_BYTES);
      };
      let wal: WalTruncation = null;
      let phaseStart = performance.now();
      const phaseDone = (phase: string, extra: object = {}) => {
        log.info({ runId, phase, ms: Math.round(performance.now() - phaseStart), ...extra }, 'retention: phase done');
        phaseStart = performance.now();
      };
      try {
        await deleteExpired(ctx, steps, cut, startedAt, counts);
        phaseDone('delete', { counts });
        // Rollups have their own limit (issue 9: trends outlive raw rows); not in the run record's counts.
        const rollupRows = await deleteExpiredRollups(ctx, rollups, startedAt - policy.rollupDays * DAY_MS);
        phaseDone('rollups', { rollupRows });
        if (counts.toolCalls + counts.sessions + counts.productivityEvents + counts.featureUsage >= OPTIMIZE_AFTER_ROWS) {
          timed(ctx, null, () => {
            optimize(db);
            return 0;
          });
          phaseDone('optimize');
        }
        note = await reclaimSpace(ctx, policy.vacuum, config.dbPath);
        phaseDone('vacuum');
        wal = await checkpoints.stop({ truncate: policy.vacuum !== 'off' });
        phaseDone('wal', { wal });
      } finally {
        await checkpoints.stop();
      }
      note = note ?? finishWal(ctx, policy.vacuum, wal);
    }
    writeTransaction(db, (tx) =>
      tx.update(retentionRuns)
        .set({
          status: 'succeeded',
          finishedAt: Math.max(now(), startedAt),
          ...countColumns(counts),
          vacuumNote: note,
          bytesAfter: databaseSizes(db, config.dbPath).databaseBytes,
        })
        .where(eq(retentionRuns.id, runId))
        .run(),
    );
  }

  /** A failed run keeps the counts of the slices it committed before failing. */
  function recordFailure(runId: number, err: unknown, counts: Counts): void {
    const message = err instanceof RunAbortedError || err instanceof LeaseLostError ? err.message : `failed: ${err instanceof Error ? err.message : String(err)}`;
    try {
      writeTransaction(db, (tx) =>
        tx.update(retentionRuns)
          .set({ status: 'failed', finishedAt: now(), error: message, ...countColumns(counts), bytesAfter: databaseSizes(db, config.dbPath).databaseBytes })
          .where(eq(retentionRuns.id, runId))
          .run(),
      );
    } catch (recordErr) {
      // The next run that takes the lease closes a row left `running`.
      log.error({ err: recordErr, runId }, 'retention: could not record the failed run');
    }
  }

  async function run(opts: RunOptions = {}): Promise<RetentionRunView> {
    const holder = `${hostname()}:${process.pid}:${newId()}`;
    const t0 = now();
    const lease = acquireLease(db, holder, t0);
    if (!lease) {
      const other = currentLease(db, t0);
      throw retentionRunning(`a retention run is in progress${other ? ` (lease held by ${other.holder} until ${iso(other.expiresAt)})` : ''}; retry later`);
    }
    const controller = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
    let runId = 0;
    const done = (async () => {
      try {
        const policy = loadPolicy(db);
        runId = Number(
          db.insert(retentionRuns)
            .values({
              trigger: opts.trigger ?? 'manual',
              dryRun: opts.dryRun ?? false,
              status: 'running',
              startedAt: t0,
              vacuumMode: policy.vacuum,
              bytesBefore: databaseSizes(db, config.dbPath).databaseBytes,
            })
            .returning({ id: retentionRuns.id })
            .get().id,
        );
        log.info({ runId, dryRun: opts.dryRun ?? false, trigger: opts.trigger ?? 'manual' }, 'retention run started');
        const counts = noCounts();
        try {
          await execute(holder, runId, opts, policy, signal, counts);
        } catch (err) {
          recordFailure(runId, err, opts.dryRun ? noCounts() : counts);
          throw err;
        }
      } finally {
        inFlight.delete(holder);
        try {
          releaseLease(db, holder);
        } catch (err) {
          log.error({ err }, 'retention: could not release the lease; it expires by itself');
        }
      }
    })();
    inFlight.set(holder, { controller, done });
    try {
      await done;
    } catch (err) {
      if (err instanceof RunAbortedError) throw new AppError(503, 'RETENTION_ABORTED', err.message, undefined, { 'retry-after': '5' });
      if (err instanceof LeaseLostError) throw retentionRunning(err.message);
      throw err;
    }
    const view = getRun(db, runId);
    if (!view) throw new Error(`retention run ${runId} vanished`);
    log.info({ runId, deleted: view.deleted, staleSessionsClosed: view.staleSessionsClosed, durationMs: view.durationMs }, 'retention run finished');
    return view;
  }

  return {
    getPolicy: (): RetentionPolicy => loadPolicy(db),

    /** Replaces the policy (validated) and tells listeners, so a new schedule applies without restart. */
    putPolicy(policy: Parameters<typeof savePolicy>[1]): RetentionPolicy {
      const saved = savePolicy(db, policy, now());
      for (const listener of policyListeners) listener(saved);
      return saved;
    },

    onPolicyChange(listener: (policy: RetentionPolicy) => void): () => void {
      policyListeners.add(listener);
      return () => policyListeners.delete(listener);
    },

    run,
    listRuns: (opts: { limit: number; cursor?: string }) => listRuns(db, opts),
    lastRun: () => lastRun(db),
    lastScheduledStart: () => lastScheduledStart(db),
    schedulerSince: () => schedulerSince(db, now()),
    isRunning: () => inFlight.size > 0 || currentLease(db, now()) !== null,

    /** Stops this process's runs between two slices (recorded as failed) and waits for them. */
    async abortRuns(reason = 'aborted: the server is shutting down'): Promise<void> {
      const running = [...inFlight.values()];
      for (const r of running) r.controller.abort(reason);
      await Promise.allSettled(running.map((r) => r.done));
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
