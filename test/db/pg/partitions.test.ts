import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensurePartitions, WEEKS_AHEAD } from '../../../src/db/pg/partitions.js';
import { freshPgContext } from '../../support/pg.js';
import { addCalls, addSession, count, partitionNames, WEEK, weekStart } from './retention-fixture.js';

const weekName = (table: string, t: number) => `${table}_w${new Date(weekStart(t)).toISOString().slice(0, 10).replaceAll('-', '')}`;

test('ensurePartitions creates last week to WEEKS_AHEAD weeks ahead for every table, idempotently, moving stragglers out of DEFAULT', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const later = Date.now() + 20 * WEEK;
  const s = await addSession(ctx.pool, { startedAt: Date.now() });
  // A call of a week that has no partition yet waits in the DEFAULT partition.
  await addCalls(ctx.pool, s, [later + 1]);
  assert.equal(await count(ctx.pool, 'select count(*) as n from tool_calls_default'), 1);

  const created = await ensurePartitions(ctx, later);
  assert.ok(created !== null && created >= 3 * (WEEKS_AHEAD + 1), `created ${created}`);
  for (const table of ['tool_calls', 'productivity_events', 'feature_usage']) {
    const names = await partitionNames(ctx.pool, table);
    for (let i = -1; i <= WEEKS_AHEAD; i++) assert.ok(names.includes(weekName(table, later + i * WEEK)), `${table} week ${i}`);
  }
  assert.equal(await count(ctx.pool, 'select count(*) as n from tool_calls_default'), 0, 'the straggler moved to its week');
  assert.equal(await count(ctx.pool, 'select count(*) as n from tool_calls'), 1);
  assert.equal(await ensurePartitions(ctx, later), 0, 'idempotent');
});

test('ensurePartitions: one replica at a time; another holding the job returns null at once', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const other = await ctx.database.pool().connect();
  try {
    await other.query('begin');
    await other.query('select pg_advisory_xact_lock(7234318558785335138)');
    assert.equal(await ensurePartitions(ctx, Date.now() + 40 * WEEK), null);
    await other.query('commit');
  } finally {
    other.release();
  }
  assert.ok(((await ensurePartitions(ctx, Date.now() + 40 * WEEK)) ?? 0) > 0);
});
