import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { checkAborted } from '../../../lib/run-errors.js';
import type { VacuumMode } from '../../../lib/vocabulary.js';
import type { RetentionRun, RunContext } from '../../store.js';
import { databaseSizes, optimize, writeTransaction, type Db } from '../client.js';
import { retentionRuns } from '../schema/index.js';
import { nextSpan, releaseWriteLock } from '../slices.js';
import { startWalCheckpointer, type WalTruncation } from '../wal-checkpointer.js';
import type { DeletedIdTracker } from './deleted-ids.js';
import { releaseLease } from './lease.js';
import { countColumns } from '../../retention-run-rows.js';
import { sliceRunner, type SliceRunner } from './slice-runner.js';
import { childSizers, closeStale, countExpired, deleteEndedSessions, deleteOlder, type Steps } from './steps.js';
import { finishWal, reclaimSpace } from './vacuum.js';

/**
 * Between write slices a run waits for the WAL checkpointer once the log holds this much: a
 * run writes far faster than ingest, and a checkpoint that holds writers back (RESTART) must
 * copy and fsync whatever the log holds, so the requests waiting for it see the size of the log.
 */
const DRAIN_ABOVE_BYTES = 16 * 1024 * 1024;

type DeleteExpiredRollupSlice = (cutoff: number, days: number) => { rows: number; more: boolean };

export type RunHandleDeps = {
  db: Db;
  path: string;
  steps: Steps;
  deleted: DeletedIdTracker;
  /** Moves staged tool calls into tool_calls: a run judges every call stored before it started. */
  moveStaged: () => void;
  sessionsDeleted: () => void;
  deleteExpiredRollupSlice: DeleteExpiredRollupSlice;
};

/** The rollups of whole UTC days that ended before cutoff, in slices of a growing number of days. */
async function deleteExpiredRollups(run: SliceRunner, deleteSlice: DeleteExpiredRollupSlice, cutoff: number): Promise<number> {
  let days = 1;
  let total = 0;
  for (;;) {
    checkAborted(run.signal);
    let more = false;
    const started = performance.now();
    total += run.write(null, () => {
      const slice = deleteSlice(cutoff, days);
      more = slice.more;
      return slice.rows;
    });
    if (!more) return total;
    days = nextSpan(days, days, performance.now() - started);
    await run.pause();
  }
}

/** An opened run (its row written, its lease held): the steps the service calls, each in slices. */
export function retentionRunHandle(deps: RunHandleDeps, id: number, dryRun: boolean, context: RunContext): RetentionRun {
  const { db, path, steps, deleted } = deps;
  deps.moveStaged();
  // While a run writes, WAL checkpoints happen off the request thread (wal-checkpointer.ts).
  const checkpoints = dryRun ? null : startWalCheckpointer(db, path);
  const run = sliceRunner({
    db,
    context,
    sessionsDeleted: deps.sessionsDeleted,
    beforeSlice: deleted.forgetNothing,
    afterCommit: deleted.forgetGone,
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
    deleteExpiredRollups: (cutoff) => deleteExpiredRollups(run, deps.deleteExpiredRollupSlice, cutoff),
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
