import { checkAborted } from '../../../lib/run-errors.js';
import type { VacuumMode } from '../../../lib/vocabulary.js';
import { databaseSizes, writeTransaction } from '../client.js';
import { checkpointTruncate, freeDiskBytes, freePageCount, fullVacuum, hasIncrementalVacuum, incrementalVacuumStep, pageCount } from '../maintenance.js';
import { SliceSizer, timed } from '../slices.js';
import type { WalTruncation } from '../wal-checkpointer.js';
import type { SliceRunner } from './slice-runner.js';

/**
 * Gives the pages freed by the deletes back to the file system. Returns a note for the run
 * record when something was skipped, else null. The caller truncates the WAL afterwards
 * (finishWal), once the background checkpoints have stopped.
 *
 * incremental: PRAGMA incremental_vacuum a bounded number of pages per slice (one unbounded
 * call held the thread for most of a minute on a 5M-row delete), yielding between slices. full: VACUUM rewrites
 * the file through a copy, so it runs only when the file system has at least the database's
 * size free.
 */
export async function reclaimSpace(ctx: SliceRunner, mode: VacuumMode, dbPath: string): Promise<string | null> {
  const { db } = ctx;
  if (mode === 'off') return null;
  if (mode === 'full') {
    const needed = databaseSizes(db, dbPath).databaseBytes;
    const free = freeDiskBytes(dbPath);
    if (free < needed) {
      return `full VACUUM skipped: ${free} bytes free on the database's file system, it needs at least ${needed} (the database size)`;
    }
    checkAborted(ctx.signal);
    // Renew first: a VACUUM of a large file can outlast the renewal interval (it holds the
    // write lock meanwhile, so no other process can take the lease over during it).
    writeTransaction(db, (tx) => ctx.keepLease(tx, true));
    timed(
      () => {
        fullVacuum(db);
        return 1;
      },
      null,
      ctx.onSlice,
    );
    return null;
  }
  if (!hasIncrementalVacuum(db)) {
    return 'incremental vacuum has no effect: the file was not created with auto_vacuum = INCREMENTAL (run once with vacuum "full" to convert it)';
  }
  const sizer = new SliceSizer(64, 8, 20_000);
  let remaining = freePageCount(db);
  // Pages freed meanwhile (the store's own upkeep rewrites id runs the deletes emptied) go back
  // too, up to as many again as there were: progress is the file shrinking, not the free list.
  let budget = 2 * remaining;
  while (remaining > 0 && budget > 0) {
    checkAborted(ctx.signal);
    const pages = Math.min(sizer.size, budget);
    let released = 0;
    timed(
      () => {
        const before = pageCount(db);
        remaining = incrementalVacuumStep(db, pages, () => ctx.keepLease(db));
        released = Math.max(0, before - pageCount(db));
        return released;
      },
      sizer,
      ctx.onSlice,
    );
    if (released === 0) break;
    budget -= released;
    await ctx.pause();
  }
  return null;
}

/**
 * The WAL copied into the file and truncated to zero: done by the checkpoint worker when it
 * ran (`byWorker`), else here. Returns a note when readers kept it from completing.
 */
export function finishWal(ctx: SliceRunner, mode: VacuumMode, byWorker: WalTruncation): string | null {
  if (mode === 'off') return null;
  let busy = byWorker?.busy ?? false;
  if (byWorker === null) {
    timed(
      () => {
        busy = checkpointTruncate(ctx.db).busy;
        return 1;
      },
      null,
      ctx.onSlice,
    );
  }
  return busy ? 'the WAL could not be truncated (readers or writers were active); the next checkpoint does it' : null;
}
