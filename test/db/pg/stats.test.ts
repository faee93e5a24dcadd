import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPgPool, pgDatabase } from '../../../src/db/pg/client.js';
import { foldRowCounts } from '../../../src/db/pg/row-count-fold.js';
import { engineStats, notReadyReason, storageStats } from '../../../src/db/pg/stats.js';
import { freshPgContext } from '../../support/pg.js';
import { addCalls, addEvents, addSession, addUsage, count, DAY, ensureWeeks, WEEK, weekStart } from './retention-fixture.js';

test('stats(): exact row counts (kept plus waiting deltas), sizes, and the newest time per kind', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const { pool } = ctx;
  const empty = await storageStats(ctx);
  assert.deepEqual(empty.tables, { profiles: 0, sessions: 0, toolCalls: 0, productivityEvents: 0, featureUsage: 0, apiKeys: 0, retentionRuns: 0 });
  assert.deepEqual(empty.newest, { toolCall: null, session: null, productivityEvent: null, featureUsage: null });
  assert.ok(empty.database.databaseBytes > 0);
  assert.equal(empty.database.pageSize, 8192);

  const now = Date.now();
  const w0 = weekStart(now);
  await ensureWeeks(pool, w0 - 4 * WEEK, w0);
  const s1 = await addSession(pool, { startedAt: w0 - 4 * WEEK });
  const s2 = await addSession(pool, { startedAt: w0 - 2 * WEEK });
  await addCalls(pool, s1, [w0 - 4 * WEEK + 5, w0 - 3 * WEEK, w0 - DAY + 7]);
  await addCalls(pool, s2, [w0 - 30 * WEEK]); // in the DEFAULT partition
  await addEvents(pool, s1, [w0 - 2 * WEEK + 3, w0 - 3 * WEEK]);
  await addUsage(pool, s2, [w0 - WEEK + 11]);
  await pool.query("insert into api_keys (id, name, role, prefix, hash, created_at) values (gen_random_uuid(), 'k', 'admin', 'p', 'h', 1)");
  await pool.query("insert into retention_runs (trigger, dry_run, status, started_at, vacuum_mode) values ('manual', false, 'running', 1, 'off')");
  await pool.query("insert into row_count_deltas (table_name, rows, at) values ('profiles', 2, 0), ('profiles', -1, 0)");

  const stats = await storageStats(ctx);
  const expected = { profiles: 1, sessions: 2, toolCalls: 4, productivityEvents: 2, featureUsage: 1, apiKeys: 1, retentionRuns: 1 };
  assert.deepEqual(stats.tables, expected);
  assert.deepEqual(stats.newest, { toolCall: w0 - DAY + 7, session: w0 - 2 * WEEK, productivityEvent: w0 - 2 * WEEK + 3, featureUsage: w0 - WEEK + 11 });

  assert.equal(await foldRowCounts(ctx), 8);
  assert.equal(await count(pool, 'select count(*) as n from row_count_deltas'), 0);
  assert.deepEqual((await storageStats(ctx)).tables, expected, 'folding changes no count');
  assert.equal(await foldRowCounts(ctx), 0);
  await pool.query("insert into row_count_deltas (table_name, rows, at) values ('sessions', -1, 0)");
  assert.equal(await foldRowCounts(ctx), 1);
  assert.equal((await storageStats(ctx)).tables.sessions, 1);
});

test('the fold runs on one replica at a time: another holding its lock folds nothing', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  await ctx.pool.query("insert into row_count_deltas (table_name, rows, at) values ('sessions', 3, 0)");
  const other = await ctx.database.pool().connect();
  try {
    await other.query('begin');
    await other.query('select pg_advisory_xact_lock(7234318558818430580)');
    assert.equal(await foldRowCounts(ctx), null);
    await other.query('commit');
  } finally {
    other.release();
  }
  assert.equal(await foldRowCounts(ctx), 1);
  assert.equal(await count(ctx.pool, "select rows as n from row_counts where table_name = 'sessions'"), 3);
});

test('the newest time over a partitioned table is a backward index probe per partition under a Limit, not a scan', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const w0 = weekStart(Date.now());
  await ensureWeeks(ctx.pool, w0 - 12 * WEEK, w0);
  for (const [table, column] of [['tool_calls', '"timestamp"'], ['productivity_events', 'created_at'], ['feature_usage', 'started_at']]) {
    const { rows } = await ctx.pool.query<{ 'QUERY PLAN': string }>(`explain select max(${column}) from ${table}`);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(plan, /Limit/, plan);
    assert.match(plan, /Merge Append/, plan);
    assert.match(plan, /Index Only Scan Backward/, plan);
    assert.doesNotMatch(plan, /Seq Scan/, plan);
  }
});

test('engineStats: pool figures, rollup deltas waiting with the age of the oldest, no staging', async (t) => {
  const ctx = await freshPgContext(t, { now: () => 10_000 });
  if (!ctx) return;
  await ctx.pool.query("insert into tool_call_rollup_deltas (deltas, at) values ('[]', 4000), ('[]', 8000)");
  await ctx.pool.query(`insert into settings (key, value, updated_at) values ('rollups.toolCalls', '{"built": true}', 0)`);
  const stats = await engineStats(ctx);
  assert.deepEqual(stats.rollups, { built: true, pendingBatches: 2, lagSeconds: 6 });
  assert.equal(stats.stagedToolCalls, 0);
  assert.equal(stats.commits.succeeded, 0);
  assert.equal(stats.commits.rows.cumulative.length, stats.commits.rows.bounds.length);
  assert.ok(stats.database.databaseBytes > 0);
  assert.ok(stats.pool.total >= 1 && stats.pool.waiting === 0);
});

test('notReadyReason: null when the server answers; a reason without the password when it does not', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  assert.equal(await notReadyReason(ctx), null);
  const pool = createPgPool({ url: 'postgres://devflow:s3cret-pw@127.0.0.1:1/nowhere', acquireTimeoutMs: 500 });
  t.after(() => pool.end());
  const down = { ...ctx, pool, db: pgDatabase(pool) };
  const reason = await notReadyReason(down, 3000);
  assert.match(reason ?? '', /PostgreSQL not answering/);
  assert.doesNotMatch(reason ?? '', /s3cret/);
  // A server that takes longer than the budget.
  const slow = await notReadyReason({ ...ctx, pool: { query: () => new Promise(() => undefined) } as never }, 50);
  assert.match(slow ?? '', /did not answer within 50 ms/);
});
