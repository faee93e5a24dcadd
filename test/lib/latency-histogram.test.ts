import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import {
  addEncoded,
  bucketError,
  bucketOf,
  encodeHistogram,
  EXACT,
  lowerBound,
  mergeEncoded,
  nearestRank,
  pairsOf,
  pairsOfMap,
  percentiles,
  percentilesOfParts,
  representative,
  upperBound,
} from '../../src/lib/latency-histogram.js';
import { HISTOGRAM_SQL } from '../../src/db/sqlite/rollups/sql.js';

const MAX = Number.MAX_SAFE_INTEGER;

test('every bucket up to 2^53 is contiguous and answers within 1 % of any value in it', () => {
  assert.equal(upperBound(EXACT - 1) + 1, lowerBound(EXACT));
  for (let b = EXACT; lowerBound(b) <= MAX; b++) {
    assert.ok(lowerBound(b + 1) > lowerBound(b), `bucket ${b} is empty`);
    assert.ok(bucketError(b) < 0.01, `bucket ${b}: error ${bucketError(b)}`);
    const r = representative(b);
    assert.ok(r >= lowerBound(b) && r <= upperBound(b));
  }
  assert.ok(bucketOf(MAX) < 2400, 'a few thousand buckets cover every safe integer');
});

test('bucketOf puts every duration between its bucket bounds', () => {
  for (let d = 0; d < 300_000; d++) {
    const b = bucketOf(d);
    assert.ok(lowerBound(b) <= d && d <= upperBound(b), `duration ${d} in bucket ${b}`);
  }
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX }), (d) => {
      const b = bucketOf(d);
      return lowerBound(b) <= d && d <= upperBound(b);
    }),
    { numRuns: 5000 },
  );
});

test('nearest rank is ceil(p/100 × n)', () => {
  assert.equal(nearestRank(95, 1), 1);
  assert.equal(nearestRank(95, 20), 19);
  assert.equal(nearestRank(95, 21), 20);
  assert.equal(nearestRank(50, 10), 5);
  assert.equal(nearestRank(99, 100), 99);
});

test('property: histogram percentiles are within 1 % of the exact nearest-rank values', () => {
  const durations = fc.oneof(
    fc.integer({ min: 0, max: 300 }),
    fc.integer({ min: 0, max: 100_000 }),
    fc.integer({ min: 0, max: MAX }),
  );
  fc.assert(
    fc.property(fc.array(durations, { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 4 }), (values, split) => {
      const sorted = [...values].sort((a, b) => a - b);
      const max = sorted[sorted.length - 1] as number;
      // Split into parts, as slots would be, and merge.
      const parts = Array.from({ length: split }, (_, i) => values.filter((_, j) => j % split === i).map((v): [number, number] => [bucketOf(v), 1]));
      const got = percentiles(parts.flat(), [50, 95, 99, 100], max);
      for (const [i, p] of [50, 95, 99, 100].entries()) {
        const exact = sorted[nearestRank(p, sorted.length) - 1] as number;
        const answer = got[i] as number;
        assert.ok(Math.abs(answer - exact) <= 0.01 * exact, `p${p}: ${answer} vs exact ${exact}`);
      }
    }),
    { numRuns: 500 },
  );
});

test('an empty histogram has no percentiles; the max clamps the answer', () => {
  assert.deepEqual(percentiles([], [50], 0), [null]);
  const b = bucketOf(1000);
  assert.deepEqual(percentiles([[b, 3]], [50], lowerBound(b)), [lowerBound(b)]);
});

test('stored histograms: encode, merge (add and subtract), decode aligned or not, and the SQL encoding agree', () => {
  const a = encodeHistogram(new Map([[7, 2], [300, 1], [0, 0]]));
  assert.deepEqual([...pairsOf(a)], [7, 2, 300, 1], 'sorted, zero counts dropped');
  const added = mergeEncoded(a, new Map([[300, 2], [5, 1]]), 1);
  assert.deepEqual([...pairsOf(added)], [5, 1, 7, 2, 300, 3]);
  const taken = mergeEncoded(added, new Map([[7, 2], [300, 5], [999, 1]]), -1);
  assert.deepEqual([...pairsOf(taken)], [5, 1], 'counts floored at 0 and dropped; unknown buckets ignored');
  const unaligned = Buffer.concat([Buffer.from([0]), added]).subarray(1);
  assert.deepEqual([...pairsOf(unaligned)], [5, 1, 7, 2, 300, 3]);
  const into = new Map<number, number>([[5, 10]]);
  addEncoded(into, added);
  assert.deepEqual([...into], [[5, 11], [7, 2], [300, 3]]);
  // Pieces of one cell add up: 1×1, 3×7, 1×300, 4×400 → median (5th of 9) is 300.
  const parts = [pairsOf(a), pairsOfMap(new Map([[1, 1], [7, 1], [400, 4]]))];
  assert.deepEqual(percentilesOfParts(parts, [50, 100], 10_000), [representative(300), representative(400)]);
  assert.deepEqual(percentilesOfParts(parts, [50], 200), [200], 'clamped to the true max');
  assert.deepEqual(percentilesOfParts([new Uint32Array(0)], [50], 0), [null]);
  const db = new Database(':memory:');
  const sql = db.prepare(`select ${HISTOGRAM_SQL('b', 'n')} as h from (select 300 as b, 3 as n union all select 5, 1 union all select 7, 2)`).get() as { h: Buffer };
  assert.deepEqual(sql.h, added, 'SQL builds the same bytes');
  db.close();
});
