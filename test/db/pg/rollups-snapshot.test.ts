import assert from 'node:assert/strict';
import { test } from 'node:test';
import type pg from 'pg';
import { foldRollups } from '../../../src/db/pg/rollups/fold.js';
import { inRollupSnapshot } from '../../../src/db/pg/rollups/snapshot.js';
import { Deltas, slotDeltas, type RollupInput } from '../../../src/lib/rollup-deltas.js';
import { DAY_MS, HOUR_MS } from '../../../src/lib/rollup-grains.js';
import { freshPgContext } from '../../support/pg.js';

const T0 = Date.UTC(2026, 10, 2, 9, 0);
const calls: RollupInput[] = Array.from({ length: 200 }, (_, i) => ({
  toolName: ['Read', 'Edit'][i % 2]!, durationMs: (i * 53) % 3000, status: i % 6 === 0 ? 'error' : 'ok', timestamp: T0 + i * 7 * 60_000, profileId: i % 3 === 0 ? null : 1, project: null,
}));
const append = (pool: pg.Pool, d: Deltas) => pool.query('insert into tool_call_rollup_deltas (deltas, at) values ($1::jsonb, $2)', [d.encode(), T0]);
const view = (d: Deltas) => [...d.rows.values()].map((x) => ({ key: x.key.join('|'), calls: x.calls, errors: x.errors, hist: JSON.stringify([...x.hist].sort((a, b) => a[0] - b[0])) })).sort((a, b) => (a.key < b.key ? -1 : 1));
function negate(d: Deltas): Deltas {
  const out = new Deltas();
  for (const x of d.rows.values()) out.delta(x.key, { ...x, calls: -x.calls, errors: -x.errors, timeouts: -x.timeouts, sum: -x.sum, hist: new Map([...x.hist].map(([b, c]) => [b, -c])) });
  return out;
}

test('a snapshot reads folded rows plus pending deltas, the same before and after the fold, negative ones included', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  await append(ctx.pool, slotDeltas(calls.slice(0, 100)));
  await foldRollups(ctx);
  await append(ctx.pool, slotDeltas(calls.slice(100)));
  await append(ctx.pool, negate(slotDeltas(calls.filter((c) => c.toolName === 'Edit'))));
  const left = slotDeltas(calls.filter((c) => c.toolName === 'Read'));
  const lo = T0;
  const hi = T0 + 2 * DAY_MS;
  const expectSlots = view(left);
  const expectHours = view(left.summaries(null)).filter((r) => r.key.startsWith(`${HOUR_MS}||`));
  const read = () => inRollupSnapshot(ctx, async (s) => ({ slots: view(await s.slots(lo, hi)), hours: view(await s.summaries(HOUR_MS, '', lo - HOUR_MS, hi)) }));
  assert.ok(expectHours.length > 20 && expectSlots.length > 50, 'the fixture spans many hours and slots');
  const before = await read();
  assert.deepEqual(before.slots, expectSlots);
  assert.deepEqual(before.hours, expectHours);
  assert.equal(await foldRollups(ctx), 2);
  assert.deepEqual(await read(), before);
});
