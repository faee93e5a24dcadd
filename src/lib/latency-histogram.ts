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

/** Smallest duration of bucket b (the first buckets' bounds computed once: bucketOf runs per ingested call). */
export function lowerBound(bucket: number): number {
  if (bucket < EXACT) return bucket;
  if (bucket < LOWER.length) return (LOWER[bucket] as number) || (LOWER[bucket] = computeLower(bucket));
  return computeLower(bucket);
}

const computeLower = (bucket: number) => Math.ceil(EXACT * GAMMA ** (bucket - EXACT) - 1e-9);
/** Up to bucket 2560: durations beyond 2^53 ms. */
const LOWER = new Float64Array(2560);

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
  for (const [bucket, count] of entries) merged.set(bucket, (merged.get(bucket) ?? 0) + count);
  return percentilesOfParts([pairsOfMap(merged)], ps, max);
}

/** A Map of bucket → count as flat pairs sorted by bucket. */
export function pairsOfMap(counts: ReadonlyMap<number, number>): Float64Array {
  const keys = Float64Array.from(counts.keys()).sort();
  const pairs = new Float64Array(keys.length * 2);
  keys.forEach((bucket, i) => {
    pairs[2 * i] = bucket;
    pairs[2 * i + 1] = counts.get(bucket) as number;
  });
  return pairs;
}

/** Counts per bucket while percentilesOfParts adds up a cell (buckets stay below 2600 up to 2^53 ms). */
const SCRATCH = new Float64Array(4096);

/**
 * percentiles() over several flat [bucket, count, …] pair lists at once (a report cell's
 * stored pieces), each sorted by bucket, minus the lists in `minus` (pieces of a part taken
 * out again, their counts within those of `parts`): one list is walked as it is; several are
 * added up in one dense scratch array, so nothing is allocated per cell. High percentiles are
 * found from the top (p95 of a cell passes ~5 % of its buckets).
 */
export function percentilesOfParts(
  parts: ReadonlyArray<ArrayLike<number>>,
  ps: readonly number[],
  max: number,
  minus: ReadonlyArray<ArrayLike<number>> = [],
): Array<number | null> {
  if (parts.length === 1 && minus.length === 0) return percentilesOfSorted(parts[0] as ArrayLike<number>, ps, max);
  let lo = SCRATCH.length;
  let hi = -1;
  let n = 0;
  for (const part of parts) {
    for (let i = 0; i + 1 < part.length; i += 2) {
      const bucket = part[i] as number;
      const count = part[i + 1] as number;
      SCRATCH[bucket] = (SCRATCH[bucket] as number) + count;
      n += count;
      if (bucket < lo) lo = bucket;
      if (bucket > hi) hi = bucket;
    }
  }
  for (const part of minus) {
    for (let i = 0; i + 1 < part.length; i += 2) {
      SCRATCH[part[i] as number] = (SCRATCH[part[i] as number] as number) - (part[i + 1] as number);
      n -= part[i + 1] as number;
    }
  }
  const out = ps.map((p) => {
    if (n === 0) return null;
    const rank = nearestRank(p, n);
    let b = hi;
    if (2 * rank > n) {
      // From the top: the bucket holding the rank-th value is the first whose calls below are fewer than rank.
      let below = n - (SCRATCH[b] as number);
      while (below >= rank) below -= SCRATCH[--b] as number;
    } else {
      let seen = SCRATCH[(b = lo)] as number;
      while (seen < rank) seen += SCRATCH[++b] as number;
    }
    return Math.min(representative(b), max);
  });
  if (hi >= lo) SCRATCH.fill(0, lo, hi + 1);
  return out;
}

/** percentilesOfParts for one sorted pair list. */
function percentilesOfSorted(pairs: ArrayLike<number>, ps: readonly number[], max: number): Array<number | null> {
  let n = 0;
  for (let i = 1; i < pairs.length; i += 2) n += pairs[i] as number;
  return ps.map((p) => {
    if (n === 0) return null;
    const rank = nearestRank(p, n);
    let i = pairs.length - 2;
    if (2 * rank > n) {
      let below = n - (pairs[i + 1] as number);
      while (below >= rank) {
        i -= 2;
        below -= pairs[i + 1] as number;
      }
    } else {
      let seen = pairs[(i = 0) + 1] as number;
      while (seen < rank) {
        i += 2;
        seen += pairs[i + 1] as number;
      }
    }
    return Math.min(representative(pairs[i] as number), max);
  });
}

/**
 * The stored form of a histogram (rollup tables): [bucket, count] pairs as little-endian
 * uint32, sorted by bucket, no zero counts; read as a Uint32Array. SQL builds the same bytes
 * (see HISTOGRAM_SQL in src/services/rollups-sql.ts), so rebuilds and migrations need no
 * JavaScript. A count saturates at 2^32 − 1 (one tool at one latency 50,000 times a second for
 * a whole day); totals are kept in the rows' own counters.
 */
const MAX_COUNT = 0xffff_ffff;

/** The flat [bucket, count, …] pairs of a stored histogram (read-only: may share the blob's memory). */
export function pairsOf(stored: Uint8Array): Uint32Array {
  // Blobs read from SQLite are buffers of their own: a view when aligned, a copy otherwise.
  if (stored.byteOffset % 4 === 0) return new Uint32Array(stored.buffer, stored.byteOffset, stored.byteLength >>> 2);
  const pairs = new Uint32Array(stored.byteLength >>> 2);
  new Uint8Array(pairs.buffer).set(stored.subarray(0, pairs.length * 4));
  return pairs;
}

const toBuffer = (pairs: Uint32Array, length: number) => Buffer.from(pairs.buffer, 0, length * 4);

export function encodeHistogram(counts: ReadonlyMap<number, number>): Buffer {
  const keys = [...counts.keys()].sort((x, y) => x - y);
  const pairs = new Uint32Array(keys.length * 2);
  let o = 0;
  for (const bucket of keys) {
    const count = counts.get(bucket) as number;
    if (count <= 0) continue;
    pairs[o++] = bucket;
    pairs[o++] = Math.min(count, MAX_COUNT);
  }
  return toBuffer(pairs, o);
}

/** Adds a stored histogram's counts into `into`. */
export function addEncoded(into: Map<number, number>, stored: Uint8Array): void {
  const pairs = pairsOf(stored);
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const bucket = pairs[i] as number;
    into.set(bucket, (into.get(bucket) ?? 0) + (pairs[i + 1] as number));
  }
}

/** stored + delta (sign 1) or stored − delta (sign −1, counts floored at 0), by one merge walk. */
export function mergeEncoded(stored: Uint8Array, delta: ReadonlyMap<number, number>, sign: 1 | -1): Buffer {
  const a = pairsOf(stored);
  const keys = [...delta.keys()].sort((x, y) => x - y);
  const out = new Uint32Array(a.length + keys.length * 2);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < a.length || j < keys.length) {
    const bucketA = i < a.length ? (a[i] as number) : Number.POSITIVE_INFINITY;
    const bucketD = j < keys.length ? (keys[j] as number) : Number.POSITIVE_INFINITY;
    let bucket: number;
    let count: number;
    if (bucketA < bucketD) {
      bucket = bucketA;
      count = a[i + 1] as number;
      i += 2;
    } else {
      bucket = bucketD;
      count = sign * (delta.get(bucketD) as number);
      if (bucketA === bucketD) {
        count += a[i + 1] as number;
        i += 2;
      }
      j += 1;
    }
    if (count > 0) {
      out[o++] = bucket;
      out[o++] = Math.min(count, MAX_COUNT);
    }
  }
  return toBuffer(out, o);
}
