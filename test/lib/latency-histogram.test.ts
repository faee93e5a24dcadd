import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bucketError, bucketOf, EXACT, lowerBound, nearestRank, percentiles, representative, upperBound } from '../../src/lib/latency-histogram.js';

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
