/**
 * A mergeable log-spaced latency histogram (issue 9): bucket numbers are stable, so histograms
 * of any slots, tools or filters add up bucket by bucket. Durations are integers ≥ 0 (ms).
 *
 *   - 0 … EXACT−1: one bucket per millisecond (exact);
 *   - from EXACT on: geometric buckets, each GAMMA times wider than the last, with integer
 *     bounds [lower(b), lower(b+1) − 1].
 *
 * A bucket answers with the integer in it that minimises the worst relative error to any
 * integer in it; with EXACT = 200 and GAMMA = 1.015 that error is at most 0.98 % for every
 * bucket (test/lib/latency-histogram.test.ts checks them all), so a nearest-rank percentile
 * read from the histogram is within 1 % of the exact one.
 */

export const EXACT = 200;
export const GAMMA = 1.015;
const LOG_GAMMA = Math.log(GAMMA);

/** Smallest duration of bucket b. */
export function lowerBound(bucket: number): number {
  return bucket < EXACT ? bucket : Math.ceil(EXACT * GAMMA ** (bucket - EXACT) - 1e-9);
}

/** Largest duration of bucket b. */
export const upperBound = (bucket: number): number => (bucket < EXACT ? bucket : lowerBound(bucket + 1) - 1);

/** The bucket of a duration: the largest b with lowerBound(b) ≤ d (a log guess, then corrected). */
export function bucketOf(durationMs: number): number {
  if (durationMs < EXACT) return Math.max(0, Math.floor(durationMs));
  let b = EXACT + Math.floor(Math.log(durationMs / EXACT) / LOG_GAMMA);
  while (b > EXACT && lowerBound(b) > durationMs) b -= 1;
  while (lowerBound(b + 1) <= durationMs) b += 1;
  return b;
}

const representatives = new Map<number, number>();

/** The integer in the bucket with the least worst-case relative error (2ab/(a+b), rounded the better way). */
export function representative(bucket: number): number {
  if (bucket < EXACT) return bucket;
  let r = representatives.get(bucket);
  if (r === undefined) {
    const a = lowerBound(bucket);
    const b = upperBound(bucket);
    const ideal = (2 * a * b) / (a + b);
    const worst = (x: number) => Math.max((x - a) / a, (b - x) / b);
    const lo = Math.max(a, Math.floor(ideal));
    const hi = Math.min(b, Math.ceil(ideal));
    r = worst(lo) <= worst(hi) ? lo : hi;
    representatives.set(bucket, r);
  }
  return r;
}

/** The worst relative error of a bucket's representative (for the tests and the docs). */
export function bucketError(bucket: number): number {
  if (bucket < EXACT) return 0;
  const r = representative(bucket);
  return Math.max((r - lowerBound(bucket)) / lowerBound(bucket), (upperBound(bucket) - r) / upperBound(bucket));
}

/** Nearest-rank index (1-based) of percentile p of n values: ceil(p/100 × n), in integers. */
export const nearestRank = (p: number, n: number): number => Math.max(1, Math.floor((p * n + 99) / 100));

/**
 * Percentiles from a histogram given as [bucket, count] pairs (any order, buckets may repeat).
 * Each answer is the representative of the bucket holding the nearest-rank value, clamped to
 * `max` (the true largest duration), which only brings it closer. null when empty.
 */
export function percentiles(entries: Iterable<readonly [number, number]>, ps: readonly number[], max: number): Array<number | null> {
  const merged = new Map<number, number>();
  let n = 0;
  for (const [bucket, count] of entries) {
    merged.set(bucket, (merged.get(bucket) ?? 0) + count);
    n += count;
  }
  if (n === 0) return ps.map(() => null);
  const sorted = [...merged].sort((x, y) => x[0] - y[0]);
  return ps.map((p) => {
    const rank = nearestRank(p, n);
    let seen = 0;
    for (const [bucket, count] of sorted) {
      seen += count;
      if (seen >= rank) return Math.min(representative(bucket), max);
    }
    /* c8 ignore next */
    return max;
  });
}
