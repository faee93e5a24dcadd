import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPgRetentionStore } from '../../../src/db/pg/retention/index.js';
import { foldRowCounts } from '../../../src/db/pg/row-count-fold.js';
import { storageStats } from '../../../src/db/pg/stats.js';
import { RunAbortedError } from '../../../src/lib/run-errors.js';
import { freshPgContext } from '../../support/pg.js';
import { addCalls, addEvents, addSession, addUsage, count, DAY, ensureWeeks, partitionNames, runContext, spread, WEEK, weekStart } from './retention-fixture.js';

const opening = (startedAt: number) => ({ trigger: 'manual' as const, dryRun: false, vacuumMode: 'incremental' as const, startedAt });

test('deleteOlder drops whole expired weeks, slices the boundary week and the DEFAULT partition, and keeps counters, ids and row counts exact', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const { pool } = ctx;
  const now = Date.now();
  const w0 = weekStart(now);
  await ensureWeeks(pool, w0 - 6 * WEEK, w0 + WEEK);
  const a = await addSession(pool, { startedAt: w0 - 40 * WEEK });
  const b = await addSession(pool, { startedAt: w0 - 40 * WEEK });
  const times: Record<string, number[]> = { [a]: [], [b]: [] };
  for (let i = 1; i <= 6; i++) {
    times[a]?.push(...spread(w0 - i * WEEK, w0 - (i - 1) * WEEK, 30));
    times[b]?.push(...spread(w0 - i * WEEK, w0 - (i - 1) * WEEK, 20));
  }
  // A week that has no partition: its calls sit in the DEFAULT partition.
  times[a]?.push(...spread(w0 - 30 * WEEK, w0 - 30 * WEEK + DAY, 10));
  const ids = { a: await addCalls(pool, a, times[a] ?? []), b: await addCalls(pool, b, times[b] ?? []) };
  await addEvents(pool, a, spread(w0 - 6 * WEEK, w0, 60));
  await addUsage(pool, b, spread(w0 - 6 * WEEK, w0, 60));

  const cutoff = w0 - 3 * WEEK + 3 * DAY;
  const before = await partitionNames(pool, 'tool_calls');
  const expired = (await pool.query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'tool_calls'::regclass and c.relname like 'tool_calls_w%' and c.relname <= $1`,
    [`tool_calls_w${new Date(cutoff - WEEK).toISOString().slice(0, 10).replaceAll('-', '')}`],
  )).rows.map((r) => r.name);
  assert.equal(expired.length, 3, 'three whole weeks before the boundary one');

  const store = createPgRetentionStore(ctx);
  const run = await store.openRun(opening(now), runContext());
  assert.ok(run);
  let tallied = 0;
  await run.deleteOlder('toolCalls', cutoff, (n) => (tallied += n));
  let events = 0;
  await run.deleteOlder('productivityEvents', cutoff, (n) => (events += n));
  let usage = 0;
  await run.deleteOlder('featureUsage', cutoff, (n) => (usage += n));

  const after = await partitionNames(pool, 'tool_calls');
  for (const name of expired) {
    assert.ok(!after.includes(name), `${name} detached`);
    assert.equal(await count(pool, 'select count(*) as n from pg_class where relname = $1', [name]), 0, `${name} dropped`);
  }
  assert.deepEqual(after, before.filter((n) => !expired.includes(n)));

  const kept = (s: string) => (times[s] ?? []).filter((x) => x >= cutoff).length;
  const deleted = (times[a]?.length ?? 0) + (times[b]?.length ?? 0) - kept(a) - kept(b);
  assert.equal(tallied, deleted);
  assert.equal(await count(pool, 'select count(*) as n from tool_calls'), kept(a) + kept(b));
  assert.equal(await count(pool, 'select count(*) as n from tool_calls where "timestamp" < $1', [cutoff]), 0);
  assert.equal(await count(pool, 'select count(*) as n from tool_calls_default'), 0);
  assert.equal(await count(pool, 'select tool_call_count as n from sessions where id = $1', [a]), kept(a));
  assert.equal(await count(pool, 'select tool_call_count as n from sessions where id = $1', [b]), kept(b));
  assert.equal(await count(pool, 'select count(*) as n from tool_call_ids'), kept(a) + kept(b));
  assert.equal(await count(pool, 'select count(*) as n from productivity_event_ids'), 60 - events);
  assert.equal(await count(pool, 'select count(*) as n from feature_usage_ids'), 60 - usage);
  assert.equal(await count(pool, 'select count(*) as n from productivity_events where created_at < $1', [cutoff]), 0);

  // An expired id may be sent again: the id table claims it.
  const goneId = ids.a[(times[a] ?? []).findIndex((x) => x < cutoff)];
  const again = await pool.query('insert into tool_call_ids (id, "timestamp") values ($1, $2) on conflict do nothing returning id', [goneId, now]);
  assert.equal(again.rowCount, 1);
  await pool.query('delete from tool_call_ids where id = $1', [goneId]);

  const stats = await storageStats(ctx);
  assert.deepEqual([stats.tables.toolCalls, stats.tables.productivityEvents, stats.tables.featureUsage, stats.tables.sessions], [kept(a) + kept(b), 60 - events, 60 - usage, 2]);
  assert.ok((await foldRowCounts(ctx)) !== null);
  assert.deepEqual((await storageStats(ctx)).tables, stats.tables, 'the fold changes no count');
  await run.finish({ status: 'succeeded', finishedAt: Date.now(), counts: { toolCalls: tallied, sessions: 0, productivityEvents: events, featureUsage: usage, staleSessionsClosed: 0 }, note: null, error: null });
  const row = await store.run(run.id);
  assert.equal(row?.status, 'succeeded');
  assert.equal(row?.counts.toolCalls, tallied);
  assert.equal(await store.currentLease(Date.now()), null, 'finish released the lease');
});

test('deleteOlder stops between two slices when the signal aborts, keeping what it committed', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const { pool } = ctx;
  const now = Date.now();
  const w0 = weekStart(now);
  const s = await addSession(pool, { startedAt: w0 - WEEK });
  // Only the boundary week (last week, made by the migration): all of it goes by slices of 1000.
  await addCalls(pool, s, spread(w0 - WEEK, w0 - WEEK + DAY, 3500));
  const controller = new AbortController();
  const store = createPgRetentionStore(ctx);
  const run = await store.openRun(opening(now), runContext({ signal: controller.signal }));
  assert.ok(run);
  let tallied = 0;
  await assert.rejects(
    run.deleteOlder('toolCalls', w0 - WEEK + 2 * DAY, (n) => {
      tallied += n;
      controller.abort('stop');
    }),
    RunAbortedError,
  );
  assert.ok(tallied > 0 && tallied < 3500, `one slice committed (${tallied})`);
  assert.equal(await count(pool, 'select count(*) as n from tool_calls'), 3500 - tallied);
  assert.equal(await count(pool, 'select tool_call_count as n from sessions where id = $1', [s]), 3500 - tallied);
  assert.equal(await count(pool, 'select count(*) as n from tool_call_ids'), 3500 - tallied);
});

test('an uncommitted insert into an expired week does not fail the run: the week goes by slices, the insert stays', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const { pool } = ctx;
  const now = Date.now();
  const w0 = weekStart(now);
  await ensureWeeks(pool, w0 - 3 * WEEK, w0);
  const s = await addSession(pool, { startedAt: w0 - 3 * WEEK });
  await addCalls(pool, s, spread(w0 - 3 * WEEK, w0 - 2 * WEEK, 100));
  // Released in the body: the fixture's own after-hook ends the pools, which waits for checked-out clients.
  const late = await ctx.database.pool().connect();
  try {
  await late.query('begin');
  await late.query('insert into tool_call_ids (id, "timestamp") values (gen_random_uuid(), $1)', [w0 - 3 * WEEK + 5]);
  await late.query(`insert into tool_calls (id, session_id, tool_name, duration_ms, status, "timestamp") values (gen_random_uuid(), $1, 'Read', 1, 'success', $2)`, [s, w0 - 3 * WEEK + 5]);
  const store = createPgRetentionStore(ctx);
  const run = await store.openRun(opening(now), runContext());
  assert.ok(run);
  let tallied = 0;
  await run.deleteOlder('toolCalls', w0 - 2 * WEEK, (n) => (tallied += n));
  assert.equal(tallied, 100);
  await late.query("update sessions set tool_call_count = tool_call_count + 1 where id = $1", [s]);
  await late.query('commit');
  } finally {
    late.release();
  }
  assert.equal(await count(pool, 'select count(*) as n from tool_calls'), 1);
  assert.equal(await count(pool, 'select tool_call_count as n from sessions where id = $1', [s]), 1);
  assert.ok((await partitionNames(pool, 'tool_calls')).some((n) => n.endsWith(new Date(w0 - 3 * WEEK).toISOString().slice(0, 10).replaceAll('-', ''))), 'the locked week stayed');
});
