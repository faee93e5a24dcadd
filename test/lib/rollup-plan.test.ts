import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buckets } from '../../src/lib/time-buckets.js';
import { plan, type Cell } from '../../src/lib/rollup-plan.js';
import { DAY_MS, GRAINS, SLOT_MS } from '../../src/lib/rollup-grains.js';

const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Asia/Shanghai', 'Pacific/Chatham'];
const BASE = 20_000 * DAY_MS;

/** Per cell: how often each 15-minute slot (or raw millisecond range) is counted, signs applied. */
function coverage(cells: Cell[], offsetHours: boolean, rawFrom: number, closedBefore = Number.POSITIVE_INFINITY) {
  const { pieces, slots, raw, splits } = plan(cells, GRAINS, { rawFrom, offsetHours, closedBefore });
  const counts = cells.map(() => new Map<number, number>());
  const add = (cell: number, lo: number, hi: number, sign: number) => {
    const m = counts[cell] as Map<number, number>;
    for (let t = lo; t < hi; t += SLOT_MS) m.set(t, (m.get(t) ?? 0) + sign);
  };
  for (const p of pieces) for (const u of p.uses) add(u.cell, p.slot, p.slot + p.grain, u.sign);
  // Raw ranges may be partial slots: every slot they overlap counts once.
  for (const [cell, lo, hi] of [...slots, ...raw]) add(cell, Math.floor(lo / SLOT_MS) * SLOT_MS, hi, 1);
  return { counts, pieces, splits };
}

test('plan: the signed pieces of every cell cover it exactly once, for any zone, interval and range', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ZONES),
      fc.constantFrom<'hour' | 'day'>('hour', 'day'),
      fc.integer({ min: 0, max: 40 * DAY_MS }),
      fc.integer({ min: 1, max: 12 * DAY_MS }),
      fc.boolean(),
      fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
      (tz, unit, offset, span, offsetHours, closedDays) => {
        const from = BASE + offset;
        const to = from + span;
        const list = buckets(tz, unit, from, to);
        const cells = list.map((b) => ({ lo: Math.max(b.start, from), hi: Math.min(b.end, to) }));
        // Days from closedBefore on are open: no piece over a slot may reach into them.
        const closedBefore = closedDays === undefined ? Number.POSITIVE_INFINITY : BASE + closedDays * DAY_MS;
        const { counts, pieces } = coverage(cells, offsetHours, Number.POSITIVE_INFINITY, closedBefore);
        for (const p of pieces) if (p.grain > SLOT_MS) assert.ok(p.slot + p.grain <= closedBefore, 'a piece over a slot only where days are closed');
        cells.forEach((c, i) => {
          const m = counts[i] as Map<number, number>;
          for (let t = Math.floor(c.lo / SLOT_MS) * SLOT_MS; t < c.hi; t += SLOT_MS) assert.equal(m.get(t), 1, `${tz} ${unit} cell ${i} slot ${new Date(t).toISOString()}`);
          for (const [t, n] of m) if (t < Math.floor(c.lo / SLOT_MS) * SLOT_MS || t >= c.hi) assert.equal(n, 0, 'nothing outside the cell');
        });
      },
    ),
    { numRuns: 300 },
  );
});

test('plan: a New York day reads its UTC day and the smaller side of the split, shared with the next day', () => {
  const from = Date.parse('2026-01-05T05:00:00Z');
  const cells = buckets('America/New_York', 'day', from, from + 10 * DAY_MS).map((b) => ({ lo: b.start, hi: b.end }));
  const { pieces, splits } = coverage(cells, true, Number.POSITIVE_INFINITY);
  assert.equal(splits.length, 9, 'every UTC day between two local days');
  // 9 UTC days + their [00:00, 05:00) (3 h, 1 h, 1 h) + the last local day's own [05:00, 24:00) pieces and its first-day pieces.
  assert.ok(pieces.length <= 9 * 4 + 8, `${pieces.length} rows per tool instead of 70`);
  assert.ok(splits.every((s) => s.cover.length === 4), 'the larger side [05:00, 24:00) is 1 h + 3 × 6 h, read for its max only when needed');
});
