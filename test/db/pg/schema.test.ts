import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type pg from 'pg';
import { freshPgDatabase } from '../../support/pg.js';

/** What the PostgreSQL schema itself guarantees, whatever code writes to it. */

const DAY = 86_400_000;
const WEEK = 7 * DAY;

async function withSession(pool: pg.Pool, startedAt = 1): Promise<string> {
  const id = randomUUID();
  await pool.query('insert into sessions (id, type, started_at, updated_at, last_activity_at) values ($1, $2, $3, $3, $3)', [id, 'agent', startedAt]);
  return id;
}

const insertCall = (pool: pg.Pool, session: string, timestamp: number, over: { status?: string; duration?: number } = {}) =>
  pool.query("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values ($1, $2, 'Read', $3, $4, $5)", [randomUUID(), session, over.duration ?? 1, over.status ?? 'success', timestamp]);

const partitionOf = async (pool: pg.Pool, table: string, timeColumn: string, at: number) =>
  (await pool.query<{ p: string }>(`select tableoid::regclass::text as p from ${table} where ${timeColumn} = $1`, [at])).rows.map((r) => r.p);

test('PostgreSQL itself rejects a bad enum, a negative duration, a bad rating and a foreign-key violation', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const pool = fresh.pool();
  const session = await withSession(pool);
  const rejects = (text: string, params: unknown[], code: string) => assert.rejects(pool.query(text, params), (err: { code?: string }) => err.code === code, text);
  const newSession = 'insert into sessions (id, type, status, started_at, ended_at, updated_at, last_activity_at) values ($1, $2, $3, 10, $4, 1, 1)';
  await rejects(newSession, [randomUUID(), 'bogus', 'active', null], '23514');
  await rejects(newSession, [randomUUID(), 'test', 'done', null], '23514');
  await rejects(newSession, [randomUUID(), 'test', 'completed', 5], '23514');
  await assert.rejects(insertCall(pool, session, Date.now(), { status: 'maybe' }), { code: '23514' });
  await assert.rejects(insertCall(pool, session, Date.now(), { duration: -1 }), { code: '23514' });
  await assert.rejects(insertCall(pool, randomUUID(), Date.now()), { code: '23503' });
  await rejects('insert into sessions (id, profile_id, type, started_at, updated_at, last_activity_at) values ($1, 999, $2, 1, 1, 1)', [randomUUID(), 'test'], '23503');
  await rejects("insert into api_keys (id, name, role, prefix, hash, created_at) values ($1, 'n', 'root', 'p', 'h', 1)", [randomUUID()], '23514');
  await rejects("insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, user_satisfaction, created_at) values ($1, $2, 'e', 1, 1, 0, 9, 1)", [randomUUID(), session], '23514');
  await rejects("insert into feature_usage (id, session_id, feature_name, feature_category, started_at, completed_at) values ($1, $2, 'f', 'c', 10, 5)", [randomUUID(), session], '23514');
  await rejects("insert into profile_audit (profile_id, profile_name, action, changes, actor, at) values (1, 'n', 'rename', '{}', 'a', 1)", [], '23514');
  await rejects("insert into profiles (name, created_at, updated_at) values ($1, 1, 1)", [''], '23514');
  await rejects("insert into profiles (name, created_at, updated_at) values ($1, 1, 1)", ['x'.repeat(65)], '23514');
  await rejects("insert into profiles (id, name, created_at, updated_at) values (7, 'explicit', 1, 1)", [], '428C9');
});

test('any time the contract accepts is stored: 2001 in the default partition, now + 24 h in its week', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const pool = fresh.pool();
  const session = await withSession(pool);
  const early = Date.UTC(2001, 0, 1);
  const ahead = Date.now() + DAY;
  await insertCall(pool, session, early);
  await insertCall(pool, session, ahead);
  assert.deepEqual(await partitionOf(pool, 'tool_calls', 'timestamp', early), ['tool_calls_default']);
  assert.match((await partitionOf(pool, 'tool_calls', 'timestamp', ahead))[0] ?? '', /^tool_calls_w\d{8}$/);
});

test('deleting a session cascades to its calls, events and usage in every partition', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const pool = fresh.pool();
  const session = await withSession(pool);
  const other = await withSession(pool);
  for (const at of [Date.UTC(2001, 0, 1), Date.now(), Date.now() - WEEK]) {
    await insertCall(pool, session, at);
    await pool.query("insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, created_at) values ($1, $2, 'e', 2, 1, 1, $3)", [randomUUID(), session, at]);
    await pool.query("insert into feature_usage (id, session_id, feature_name, feature_category, started_at) values ($1, $2, 'f', 'c', $3)", [randomUUID(), session, at]);
  }
  await insertCall(pool, other, Date.now());
  await pool.query('delete from sessions where id = $1', [session]);
  for (const table of ['productivity_events', 'feature_usage']) assert.equal((await pool.query(`select 1 from ${table}`)).rowCount, 0, table);
  assert.deepEqual((await pool.query<{ s: string }>('select session_id as s from tool_calls')).rows, [{ s: other }]);
});

test('an id table makes an id unique across partitions: the second claim of an id with another time gets nothing back', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const pool = fresh.pool();
  const id = randomUUID();
  const claim = (ts: number) => pool.query<{ id: string }>('insert into tool_call_ids (id, timestamp) values ($1, $2) on conflict do nothing returning id', [id, ts]);
  assert.deepEqual((await claim(Date.UTC(2001, 0, 1))).rows, [{ id }]);
  assert.deepEqual((await claim(Date.now())).rows, []);
});

test('the partition function creates weeks once, moves stragglers out of the default partition, and refuses nonsense', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const pool = fresh.pool();
  const ensure = async (table: string, from: number, to: number) => (await pool.query<{ n: number }>('select devflow_ensure_partitions($1, $2, $3) as n', [table, from, to])).rows[0]?.n;
  const session = await withSession(pool);
  const monday = Date.UTC(2024, 0, 1); // a Monday
  await insertCall(pool, session, monday + 3 * DAY);
  await insertCall(pool, session, monday + WEEK + DAY);
  assert.deepEqual(await partitionOf(pool, 'tool_calls', 'timestamp', monday + 3 * DAY), ['tool_calls_default']);

  assert.equal(await ensure('tool_calls', monday + DAY, monday + WEEK + 1), 2, 'the two weeks [from, to) touches');
  assert.deepEqual(await partitionOf(pool, 'tool_calls', 'timestamp', monday + 3 * DAY), ['tool_calls_w20240101']);
  assert.deepEqual(await partitionOf(pool, 'tool_calls', 'timestamp', monday + WEEK + DAY), ['tool_calls_w20240108']);
  assert.equal(await ensure('tool_calls', monday, monday + 2 * WEEK), 0, 'idempotent');
  assert.equal(await ensure('tool_calls', monday, monday), 0);
  const concurrent = await Promise.all([ensure('feature_usage', monday, monday + 4 * WEEK), ensure('feature_usage', monday, monday + 4 * WEEK)]);
  assert.equal((concurrent[0] ?? 0) + (concurrent[1] ?? 0), 4, 'two callers at once create each week once');
  await assert.rejects(ensure('tool_calls', monday, monday + 600 * WEEK), /at most 520 at once/);
  await assert.rejects(ensure('sessions', monday, monday + WEEK), /is not range-partitioned/);
});

test('ingest’s session update (count, last activity) is HOT: it touches no index; sessions and rollups leave room for it', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const pool = fresh.pool();
  const session = await withSession(pool);
  const client = await pool.connect();
  try {
    await client.query('begin');
    for (let i = 1; i <= 20; i++) await client.query('update sessions set tool_call_count = tool_call_count + 1, last_activity_at = $2 where id = $1', [session, i]);
    const stats = await client.query<{ updates: number; hot: number }>("select n_tup_upd as updates, n_tup_hot_upd as hot from pg_stat_xact_user_tables where relname = 'sessions'");
    assert.deepEqual(stats.rows[0], { updates: 20, hot: 20 });
    await client.query('commit');
  } finally {
    client.release();
  }
  const options = await pool.query<{ relname: string; reloptions: string[] }>("select relname, reloptions from pg_class where relname in ('sessions', 'tool_call_slot_rollups', 'tool_call_summaries') order by relname");
  assert.deepEqual(options.rows, [
    { relname: 'sessions', reloptions: ['fillfactor=90'] },
    { relname: 'tool_call_slot_rollups', reloptions: ['fillfactor=80'] },
    { relname: 'tool_call_summaries', reloptions: ['fillfactor=80'] },
  ]);
});
