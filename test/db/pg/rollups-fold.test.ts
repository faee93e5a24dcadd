import assert from 'node:assert/strict';
import { test } from 'node:test';
import type pg from 'pg';
import { pgDatabase } from '../../../src/db/pg/client.js';
import { FOLD_LOCK_KEY, foldRollups } from '../../../src/db/pg/rollups/fold.js';
import { addEncoded } from '../../../src/lib/latency-histogram.js';
import { Deltas, slotDeltas, type RollupInput } from '../../../src/lib/rollup-deltas.js';
import { freshPgContext } from '../../support/pg.js';

const T0 = Date.UTC(2026, 10, 2, 9, 0);
const calls: RollupInput[] = [];
for (let i = 0; i < 300; i++) {
  calls.push({ toolName: ['Read', 'Edit', 'Bash'][i % 3]!, durationMs: (i * 37) % 5000, status: i % 7 === 0 ? 'error' : i % 11 === 0 ? 'timeout' : 'ok', timestamp: T0 + i * 5 * 60_000, profileId: i % 4 === 0 ? null : (i % 4), project: i % 5 === 0 ? null : `p${i % 2}` });
}

type Row = { key: string; calls: number; errors: number; timeouts: number; sum: number; hist: string };
async function read(pool: pg.Pool, table: 'slots' | 'summaries'): Promise<Row[]> {
  const q = table === 'slots'
    ? `select concat_ws('|', slot_start, tool_name, profile_id, project) as key, calls, errors, timeouts, duration_sum as sum, histogram from tool_call_slot_rollups order by 1`
    : `select concat_ws('|', grain, scope, slot_start, tool_name) as key, calls, errors, timeouts, duration_sum as sum, histogram from tool_call_summaries order by 1`;
  const { rows } = await pool.query<Row & { histogram: Buffer }>(q);
  return rows.map(({ histogram, ...r }) => {
    const m = new Map<number, number>();
    addEncoded(m, histogram);
    return { ...r, hist: JSON.stringify([...m].sort((a, b) => a[0] - b[0])) };
  });
}

function expected(d: Deltas): Row[] {
  return [...d.rows.values()].filter((x) => x.calls > 0).map((x) => ({ key: x.key.join('|'), calls: x.calls, errors: x.errors, timeouts: x.timeouts, sum: x.sum, hist: JSON.stringify([...x.hist].sort((a, b) => a[0] - b[0])) })).sort((a, b) => (a.key < b.key ? -1 : 1));
}

const append = (pool: pg.Pool, d: Deltas) => pool.query('insert into tool_call_rollup_deltas (deltas, at) values ($1::jsonb, $2)', [d.encode(), T0]);

test('a fold adds every appended delta once into the slot rows and the summaries they feed, and leaves the delta table empty', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  await append(ctx.pool, slotDeltas(calls.slice(0, 150)));
  await append(ctx.pool, slotDeltas(calls.slice(150)));
  assert.equal(await foldRollups(ctx), 2);
  assert.equal(await foldRollups(ctx), 0, 'nothing left to fold');
  const all = slotDeltas(calls);
  assert.deepEqual(await read(ctx.pool, 'slots'), expected(all));
  assert.deepEqual(await read(ctx.pool, 'summaries'), expected(all.summaries(null)));
  const { rows } = await ctx.pool.query<{ n: number }>('select count(*)::int as n from tool_call_rollup_deltas');
  assert.equal(rows[0]?.n, 0);
});

test('negative deltas subtract, and a row they empty is deleted, not left at zero calls', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  await append(ctx.pool, slotDeltas(calls));
  await foldRollups(ctx);
  const removed = calls.filter((c) => c.toolName === 'Bash');
  const negative = new Deltas();
  for (const d of slotDeltas(removed).rows.values()) negative.delta(d.key, { ...d, calls: -d.calls, errors: -d.errors, timeouts: -d.timeouts, sum: -d.sum, hist: new Map([...d.hist].map(([b, c]) => [b, -c])) });
  await append(ctx.pool, negative);
  assert.equal(await foldRollups(ctx), 1);
  const left = slotDeltas(calls.filter((c) => c.toolName !== 'Bash'));
  const strip = (rows: Row[]) => rows.map(({ key, calls: n, errors, timeouts, hist }) => ({ key, calls: n, errors, timeouts, hist }));
  assert.deepEqual(strip(await read(ctx.pool, 'slots')), strip(expected(left)));
  assert.deepEqual(strip(await read(ctx.pool, 'summaries')), strip(expected(left.summaries(null))));
  const { rows } = await ctx.pool.query<{ n: number }>("select (select count(*) from tool_call_slot_rollups where tool_name = 'Bash' or calls <= 0) + (select count(*) from tool_call_summaries where tool_name = 'Bash' or calls <= 0) as n");
  assert.equal(rows[0]?.n, 0);
});

test('two contexts folding at once fold each delta exactly once (one holds the lock, the other skips)', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const pool2 = ctx.database.pool();
  const other = { ...ctx, pool: pool2, db: pgDatabase(pool2) };
  for (let i = 0; i < 30; i++) await append(ctx.pool, slotDeltas(calls.slice(i * 10, i * 10 + 10)));
  let folded = 0;
  for (let round = 0; round < 5; round++) {
    const [a, b] = await Promise.all([foldRollups(ctx), foldRollups(other)]);
    folded += a + b;
  }
  assert.equal(folded, 30);
  const all = slotDeltas(calls);
  assert.deepEqual(await read(ctx.pool, 'slots'), expected(all));
  assert.deepEqual(await read(ctx.pool, 'summaries'), expected(all.summaries(null)));
});

test('a fold while another holds the fold lock does nothing and leaves the deltas for the next fold', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  await append(ctx.pool, slotDeltas(calls));
  const holder = await ctx.pool.connect();
  try {
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock($1::int8)', [FOLD_LOCK_KEY]);
    assert.equal(await foldRollups(ctx), 0);
    await holder.query('commit');
  } finally {
    holder.release();
  }
  const { rows } = await ctx.pool.query<{ n: number }>('select count(*)::int as n from tool_call_rollup_deltas');
  assert.equal(rows[0]?.n, 1, 'the delta waits');
  assert.equal(await foldRollups(ctx), 1);
  assert.deepEqual(await read(ctx.pool, 'slots'), expected(slotDeltas(calls)));
});

test('days from the stored closedBefore on get only the summaries kept live on open days', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const closedBefore = Date.UTC(2026, 10, 3);
  await ctx.pool.query("insert into settings (key, value, updated_at) values ('rollups.toolCalls', $1::jsonb, 0)", [JSON.stringify({ built: true, layout: 1, closedBefore })]);
  await append(ctx.pool, slotDeltas(calls));
  await foldRollups(ctx);
  assert.deepEqual(await read(ctx.pool, 'summaries'), expected(slotDeltas(calls).summaries(closedBefore)));
  assert.notDeepEqual(expected(slotDeltas(calls).summaries(closedBefore)), expected(slotDeltas(calls).summaries(null)), 'the fixture spans the close');
});
