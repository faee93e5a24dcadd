import { checkAborted } from '../../../lib/run-errors.js';
import type { RunContext } from '../../store.js';
import { writeTransaction, type Db } from '../client.js';
import { releaseWriteLock, timed, type SliceSizer } from '../slices.js';
import { LEASE_RENEW_MS, renewLease } from './lease.js';

export type SliceRunnerOptions = {
  db: Db;
  context: RunContext;
  /** Between two write slices (default: release the write lock for a moment). */
  pause?: () => Promise<void>;
  /** After a slice that deleted sessions (ingest forgets what it remembered of them). */
  sessionsDeleted: () => void;
  /** Before each write slice, and after each one committed (what it did in memory follows the file). */
  beforeSlice?: () => void;
  afterCommit?: () => void;
};

/**
 * How a retention run's slices run: each write slice in its own BEGIN IMMEDIATE transaction that
 * first renews the run's lease when due (and throws LeaseLostError when another run took it),
 * timed for the sizer and the observer; between slices the write lock is released.
 */
export function sliceRunner({ db, context, pause = releaseWriteLock, sessionsDeleted, beforeSlice, afterCommit }: SliceRunnerOptions) {
  let lastRenewal = context.now();
  const keepLease = (tx: Db, force = false) => {
    const t = context.now();
    if (!force && t - lastRenewal < LEASE_RENEW_MS) return;
    renewLease(tx, context.holder, t);
    lastRenewal = t;
  };

  function write(sizer: SliceSizer | null, step: (tx: Db) => number): number {
    beforeSlice?.();
    const n = timed(
      () =>
        writeTransaction(db, (tx) => {
          keepLease(tx);
          return step(tx);
        }),
      sizer,
      context.onSlice,
    );
    afterCommit?.();
    return n;
  }

  return {
    db,
    signal: context.signal,
    onSlice: context.onSlice,
    keepLease,
    sessionsDeleted,
    pause,
    write,

    /** For slices that write nothing (dry-run counts): renews the lease when due, in its own small transaction. */
    keepAlive(): void {
      if (context.now() - lastRenewal >= LEASE_RENEW_MS) writeTransaction(db, (tx) => keepLease(tx));
    },

    /**
     * Repeats a write slice of at most `sizer.size` rows until one processes fewer than asked,
     * pausing between slices; `tally` sees each committed slice's row count.
     */
    async writeInSlices(sizer: SliceSizer, step: (limit: number) => number, tally: (n: number) => void): Promise<void> {
      for (;;) {
        checkAborted(context.signal);
        const limit = sizer.size;
        const n = write(sizer, () => step(limit));
        tally(n);
        if (n < limit) return;
        await pause();
      }
    },
  };
}

export type SliceRunner = ReturnType<typeof sliceRunner>;
