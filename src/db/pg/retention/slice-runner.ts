import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkAborted } from '../../../lib/run-errors.js';
import type { RunContext } from '../../store.js';
import type { PgContext } from '../context.js';
import { inTransaction, type PgTx } from '../transaction.js';
import { LEASE_RENEW_MS, renewLease } from './lease.js';

/**
 * How long one write slice should hold its row locks (sessions' counters, which ingest also
 * updates at every commit): short enough that an ingest commit waiting on one stays far inside
 * its latency budget, long enough that the round trips do not dominate.
 */
const TARGET_SLICE_MS = 40;
/** A pause between slices, so ingest commits queued on the rows a slice locked go first. */
const GAP_MS = 2;

/** Batch size converging on TARGET_SLICE_MS from the rate measured so far (grows at most 1.5× a slice, shrinks at once). */
export class SliceSizer {
  size: number;

  constructor(
    initial: number,
    private readonly min: number,
    private readonly max: number,
  ) {
    this.size = initial;
  }

  observe(processed: number, elapsedMs: number): void {
    if (processed <= 0) return;
    const ideal = (processed / Math.max(elapsedMs, 0.05)) * TARGET_SLICE_MS;
    this.size = Math.max(this.min, Math.min(this.max, Math.floor(Math.min(ideal, this.size * 1.5))));
  }
}

/**
 * A run's write slices: each in its own transaction (committed one by one), which first renews
 * the lease when due (LeaseLostError when another run took it); the signal is checked before
 * each, and each is timed for the sizer and the run's observer.
 */
export function sliceRunner(ctx: PgContext, context: RunContext) {
  let lastRenewal = context.now();
  const keepLease = async (tx: PgTx, force = false) => {
    const t = context.now();
    if (!force && t - lastRenewal < LEASE_RENEW_MS) return;
    await renewLease(tx, context.holder, t);
    lastRenewal = t;
  };

  async function write(sizer: SliceSizer | null, step: (tx: PgTx) => Promise<number>): Promise<number> {
    checkAborted(context.signal);
    const t0 = performance.now();
    const n = await inTransaction(ctx, async (tx) => {
      await keepLease(tx);
      return step(tx);
    });
    const ms = performance.now() - t0;
    sizer?.observe(n, ms);
    context.onSlice?.(ms, n);
    return n;
  }

  return {
    signal: context.signal,
    onSlice: context.onSlice,
    write,
    pause: () => sleep(GAP_MS),
    /** Renews the lease when due, for steps that write nothing (counts) or run long statements (VACUUM). */
    async keepAlive(force = false): Promise<void> {
      if (force || context.now() - lastRenewal >= LEASE_RENEW_MS) await inTransaction(ctx, (tx) => keepLease(tx, force));
    },
    /** Repeats a slice of at most `sizer.size` rows until one does fewer; `tally` sees each committed one. */
    async writeInSlices(sizer: SliceSizer, step: (tx: PgTx, limit: number) => Promise<number>, tally: (n: number) => void): Promise<void> {
      for (;;) {
        const limit = sizer.size;
        const n = await write(sizer, (tx) => step(tx, limit));
        tally(n);
        if (n < limit) return;
        await sleep(GAP_MS);
      }
    },
  };
}

export type SliceRunner = ReturnType<typeof sliceRunner>;
