import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { checkAborted } from '../../../lib/run-errors.js';
import type { VacuumMode } from '../../../lib/vocabulary.js';
import type { RetentionRun, RetentionStore, RunContext } from '../../store.js';
import { databaseSizes, optimize, writeTransaction, type Db } from '../client.js';
import { retentionRuns, settings } from '../schema/index.js';
import { nextSpan, releaseWriteLock } from '../slices.js';
import { startWalCheckpointer, type WalTruncation } from '../wal-checkpointer.js';
import type { ToolCallIdIndex } from '../tool-call-ids.js';
import { acquireLease, currentLease, releaseLease } from './lease.js';
import { countColumns, retentionRunRecords } from './runs.js';
import { sliceRunner } from './slice-runner.js';
import { childSizers, closeStale, countExpired, deleteEndedSessions, deleteOlder, prepareSteps } from './steps.js';
import { finishWal, reclaimSpace } from './vacuum.js';

const POLICY_KEY = 'retention.policy';
const SCHEDULER_SINCE_KEY = 'retention.scheduler.since';
/**
 * Between write slices a run waits for the WAL checkpointer once the log holds this much: a
 * run writes far faster than ingest, and a checkpoint that holds writers back (RESTART) must
 * copy and fsync whatever the log holds, so the requests waiting for it see the size of the log.
 */
const DRAIN_ABOVE_BYTES = 16 * 1024 * 1024;

type Deps = {
  db: Db;
  path: string;
  ids: ToolCallIdIndex;
  /** Moves staged tool calls into tool_calls: a run judges every call stored before it started. */
  moveStaged: () => void;
  sessionsDeleted: () => void;
  deleteExpiredRollupSlice: (cutoff: number, days: number) => { rows: number; more: boolean };
};

/** Retention over SQLite: the policy and run history in tables, one run per file at a time (a lease row), each step in time-sized slices. */
export function createRetentionStore({ db, path, ids, moveStaged, sessionsDeleted, deleteExpiredRollupSlice }: Deps): RetentionStore {
  // What a slice deleted, for the id index once the slice committed (dropped if it rolled back).
  let goneCalls: string[] = [];
  const goneSessions = new Set<string>();
  const steps = prepareSteps(db, {
    calls(rows) {
      ids.countDead(rows.map((r) => r.seq));
      for (const r of rows) goneCalls.push(r.id);
    },
    sessions(list) {
      for (const id of list) goneSessions.add(id);
    },
  });
  const forgetNothing = () => {
    goneCalls = [];
    goneSessions.clear();
  };
  const forgetGone = () => {
    ids.forget(goneCalls);
    if (goneSessions.size > 0) ids.forgetSessions(goneSessions);
    forgetNothing();
  };
  const records = retentionRunRecords(db);
  const setting = (key: string) => db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value;

  function handle(id: number, dryRun: boolean, context: RunContext): RetentionRun {
    moveStaged();
    // While a run writes, WAL checkpoints happen off the request thread (wal-checkpointer.ts).
    const checkpoints = dryRun ? null : startWalCheckpointer(db, path);
    const run = sliceRunner({
      db,
      context,
      sessionsDeleted,
      beforeSlice: forgetNothing,
      afterCommit: forgetGone,
      pause: async () => {
        await releaseWriteLock();
        await checkpoints?.drainIfLarge(DRAIN_ABOVE_BYTES);
      },
    });
    const sizers = childSizers();
    return {
      id,
      deleteOlder: (kind, cutoff, tally) => deleteOlder(run, steps, sizers[kind], kind, cutoff, tally),
      deleteEndedSessions: (cutoff, tally) => deleteEndedSessions(run, steps, sizers, cutoff, tally),
      closeStale: (cutoff, at, tally) => closeStale(run, steps, cutoff, at, tally),
      countExpired: (cutoffs) => countExpired(run, steps, cutoffs),
      async deleteExpiredRollups(cutoff) {
        let days = 1;
        let total = 0;
        for (;;) {
          checkAborted(context.signal);
          let more = false;
          const started = performance.now();
          total += run.write(null, () => {
            const slice = deleteExpiredRollupSlice(cutoff, days);
            more = slice.more;
            return slice.rows;
          });
          if (!more) return total;
          days = nextSpan(days, days, performance.now() - started);
          await run.pause();
        }
      },
      async analyze() {
        optimize(db);
      },
      async reclaimSpace(mode: VacuumMode) {
        const note = await reclaimSpace(run, mode, path);
        const wal: WalTruncation = (await checkpoints?.stop({ truncate: mode !== 'off' })) ?? null;
        return note ?? finishWal(run, mode, wal);
      },
      async finish(outcome) {
        try {
          await checkpoints?.stop();
          writeTransaction(db, (tx) =>
            tx.update(retentionRuns)
              .set({ status: outcome.status, finishedAt: outcome.finishedAt, ...countColumns(outcome.counts), vacuumNote: outcome.note, error: outcome.error, bytesAfter: databaseSizes(db, path).databaseBytes })
              .where(eq(retentionRuns.id, id))
              .run(),
          );
        } finally {
          releaseLease(db, context.holder);
        }
      },
    };
  }

  return {
    async policy() {
      const value = setting(POLICY_KEY);
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    },
    async savePolicy(value, at) {
      writeTransaction(db, (tx) => tx.insert(settings).values({ key: POLICY_KEY, value, updatedAt: at }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: at } }).run());
    },
    async schedulerSince(now) {
      return writeTransaction(db, (tx) => {
        const row = tx.select({ value: settings.value }).from(settings).where(eq(settings.key, SCHEDULER_SINCE_KEY)).get();
        if (row && typeof row.value === 'number') return row.value;
        tx.insert(settings).values({ key: SCHEDULER_SINCE_KEY, value: now, updatedAt: now }).onConflictDoNothing().run();
        return now;
      });
    },
    currentLease: async (now) => currentLease(db, now),
    async openRun(run, context) {
      const id = writeTransaction(db, (tx) => {
        if (!acquireLease(tx, context.holder, run.startedAt)) return null;
        const row = { trigger: run.trigger, dryRun: run.dryRun, status: 'running' as const, startedAt: run.startedAt, vacuumMode: run.vacuumMode, bytesBefore: databaseSizes(db, path).databaseBytes };
        return Number(tx.insert(retentionRuns).values(row).returning({ id: retentionRuns.id }).get().id);
      });
      return id === null ? null : handle(id, run.dryRun, context);
    },
    run: async (id) => records.get(id),
    lastRun: async () => records.last(),
    lastScheduledStart: async () => records.lastScheduledStart(),
    listRuns: async (page) => records.list(page),
  };
}
