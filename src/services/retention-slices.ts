import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { writeTransaction, type Db } from '../db/sqlite/client.js';

/**
 * Long maintenance work cut into slices sized by time, not by count: one thread serves every
 * request, so each slice holds it for about TARGET_SLICE_MS and then yields to the event loop
 * (measured on this machine: a fixed 5,000-row delete batch held it 260–640 ms). With 8 ms
 * and at most 1.5× growth per slice the ingest p99 during a 5M-row run was 38–43 ms; with 10 ms
 * and 2× it was 47–49 ms (bench/RESULTS.md, "Retention").
 */
export const TARGET_SLICE_MS = 8;

/**
 * Pause after a write slice with the write lock released. Requests of this process get the
 * thread at the next turn anyway; this is for writers in other processes (a second server,
 * the CLI): SQLite's busy handler polls every 25–100 ms with no queue, so against back-to-back
 * slices it only finds the lock free by luck. Measured (test/retention-process.test.ts, a
 * writer every 10 ms for 1.5 s): 5–9 writes got through with no pause, 23–30 with 2 ms,
 * 61–77 with 5 ms (longest wait 110–230 ms). It costs the run a third more time.
 */
export const WRITE_GAP_MS = 5;

export function releaseWriteLock(): Promise<void> {
  return sleep(WRITE_GAP_MS);
}

/** Batch size that converges on the target duration from the rate measured so far. */
export class SliceSizer {
  size: number;

  constructor(
    initial: number,
    private readonly min: number,
    private readonly max: number,
    private readonly targetMs = TARGET_SLICE_MS,
  ) {
    this.size = initial;
  }

  /** Grows at most 1.5× per slice (a burst of cheap rows must not make the next slice huge); shrinks at once. */
  observe(processed: number, elapsedMs: number): void {
    if (processed <= 0) return;
    const ideal = (processed / Math.max(elapsedMs, 0.05)) * this.targetMs;
    const next = Math.min(ideal, this.size * 1.5);
    this.size = Math.max(this.min, Math.min(this.max, Math.floor(next)));
  }
}

/** What every slice needs: the database, a way to stop, lease upkeep, and an observer (benchmarks). */
export type SliceContext = {
  db: Db;
  signal?: AbortSignal;
  /** Runs first inside every write slice: renews the lease when due (or when forced); throws when it was lost. */
  keepLease: (tx: Db, force?: boolean) => void;
  /** True when the lease should be renewed (read-only slices renew it in a transaction of their own). */
  leaseDue: () => boolean;
  /** Between two write slices: releases the write lock for a moment and lets the WAL checkpointer catch up when needed. */
  pause?: () => Promise<void>;
  onSlice?: (elapsedMs: number, processed: number) => void;
  /** After a slice that deleted sessions (ingest forgets what it remembered of them). */
  sessionsDeleted?: () => void;
};

export class RunAbortedError extends Error {
  override name = 'RunAbortedError';
}

export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    throw new RunAbortedError(reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'the run was aborted');
  }
}

/** For slices that write nothing (dry-run counts): renews the lease when due, in its own small transaction. */
export function keepLeaseAlive(ctx: SliceContext): void {
  if (ctx.leaseDue()) writeTransaction(ctx.db, (tx) => ctx.keepLease(tx));
}

/** Times one synchronous slice and reports it. */
export function timed<T extends number>(ctx: SliceContext, sizer: SliceSizer | null, fn: () => T): T {
  const t0 = performance.now();
  const processed = fn();
  const ms = performance.now() - t0;
  sizer?.observe(processed, ms);
  ctx.onSlice?.(ms, processed);
  return processed;
}

/** One write slice (BEGIN IMMEDIATE) with lease upkeep, timed and fed to the sizer. */
export function writeSlice(ctx: SliceContext, sizer: SliceSizer, step: (tx: Db) => number): number {
  return timed(ctx, sizer, () =>
    writeTransaction(ctx.db, (tx) => {
      ctx.keepLease(tx);
      return step(tx);
    }),
  );
}

/**
 * Repeats a write slice (BEGIN IMMEDIATE) of at most `sizer.size` rows until one processes
 * fewer than asked, yielding between slices. `tally` sees each committed slice's row count, so
 * a run that fails half way still reports what it did.
 */
export async function writeInSlices(ctx: SliceContext, sizer: SliceSizer, step: (tx: Db, limit: number) => number, tally: (n: number) => void): Promise<void> {
  for (;;) {
    checkAborted(ctx.signal);
    const limit = sizer.size;
    const n = writeSlice(ctx, sizer, (tx) => step(tx, limit));
    tally(n);
    if (n < limit) return;
    await (ctx.pause ?? releaseWriteLock)();
  }
}

export { yieldToEventLoop };
