import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';

/**
 * Long maintenance work cut into slices sized by time, not by count: one thread serves every
 * request, so each slice holds it for about TARGET_SLICE_MS and then yields to the event loop
 * (a fixed 5,000-row delete batch held it 260–640 ms: bench/RESULTS.md, "Retention").
 */
export const TARGET_SLICE_MS = 8;

/**
 * Pause after a write slice with the write lock released, for writers in other processes (a
 * second server, the CLI): SQLite's busy handler polls with no queue, so against back-to-back
 * slices it only finds the lock free by luck (test/retention-process.test.ts).
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

/** The next span of a range walk: what the last slice (`done` units in `elapsedMs`) says fits TARGET_SLICE_MS, at most twice the current span. */
export function nextSpan(span: number, done: number, elapsedMs: number): number {
  return Math.max(1, Math.min(span * 2, Math.floor((done * TARGET_SLICE_MS) / Math.max(elapsedMs, 0.05))));
}

/** Times one synchronous slice; the sizer (if any) and the observer see it. */
export function timed<T extends number>(fn: () => T, sizer: SliceSizer | null, onSlice?: (elapsedMs: number, processed: number) => void): T {
  const t0 = performance.now();
  const processed = fn();
  const ms = performance.now() - t0;
  sizer?.observe(processed, ms);
  onSlice?.(ms, processed);
  return processed;
}

export { yieldToEventLoop };
