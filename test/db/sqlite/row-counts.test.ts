import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeDatabase, openDatabase, type Db } from '../../../src/db/sqlite/client.js';
import { MIGRATIONS_FOLDER, runMigrations } from '../../../src/db/sqlite/migrate.js';
import { auth, build, createSession, tempDir, type TestApp } from '../../helper.js';
import { migrationsUpTo } from '../migrations-up-to.js';

const TABLES = { profiles: 'profiles', sessions: 'sessions', toolCalls: 'tool_calls', productivityEvents: 'productivity_events', featureUsage: 'feature_usage' } as const;
const DAY = 86_400_000;

const counted = (db: Db) => Object.fromEntries(Object.entries(TABLES).map(([k, table]) => [k, db.$client.prepare(`select count(*) from ${table}`).pluck().get()]));

/** GET /v1/stats' rows for the kept tables, then the same tables counted: equal. */
async function assertKept(app: TestApp, step: string): Promise<Record<string, number>> {
  const res = await app.inject({ url: '/v1/stats', headers: auth(app.keys.read) });
  assert.equal(res.statusCode, 200, res.body);
  const tables = res.json().tables as Record<string, number>;
  const shown = Object.fromEntries(Object.keys(TABLES).map((k) => [k, tables[k] ?? -1]));
  assert.deepEqual(shown, counted(app.sqlite.db), step);
  return shown;
}

test('stats keep every table\'s rows exact through ingest, duplicates, rejects, deletes and retention', async (t) => {
  const app = await build(t);
  const post = (url: string, payload: unknown, key = app.keys.ingest) => app.inject({ method: 'POST', url, headers: auth(key), payload: payload as object });
  const profile = (await post('/v1/profiles', { name: 'counted' }, app.keys.admin)).json() as { id: number };
  const now = Date.now();
  const kept = await createSession(app, { type: 'agent', profile: profile.id });
  const other = await createSession(app, { type: 'test' });
  const old = await createSession(app, { type: 'lint', startedAt: new Date(now - 400 * DAY).toISOString() });
  await assertKept(app, 'sessions and a profile');

  const id = randomUUID();
  const call = (sessionId: string, extra: object = {}) => ({ sessionId, toolName: 'Bash', durationMs: 5, status: 'success', ...extra });
  const items = [call(kept.id, { id }), call(kept.id, { id }), call(other.id), call(randomUUID()), call(old.id, { timestamp: now - 400 * DAY + 1000 })];
  assert.equal((await post('/v1/tool-calls?partial=true', { items })).statusCode, 200);
  assert.equal((await post('/v1/tool-calls', call(kept.id, { id }))).json().duplicates, 1, 'a duplicate adds no row');
  await post('/v1/productivity-events', { sessionId: other.id, eventType: 'x', traditionalTimeEstimate: 10, actualTimeTaken: 5 });
  await post('/v1/feature-usage', { sessionId: other.id, featureName: 'f', featureCategory: 'c', startedAt: new Date(now).toISOString() });
  assert.deepEqual(await assertKept(app, 'after ingest'), { profiles: 1, sessions: 3, toolCalls: 3, productivityEvents: 1, featureUsage: 1 });

  const del = (url: string) => app.inject({ method: 'DELETE', url, headers: auth(app.keys.admin) });
  assert.equal((await del(`/v1/sessions/${other.id}`)).statusCode, 204);
  assert.deepEqual(await assertKept(app, 'a session deleted with its calls, event and usage'), { profiles: 1, sessions: 2, toolCalls: 2, productivityEvents: 0, featureUsage: 0 });
  assert.equal((await app.inject({ method: 'PATCH', url: `/v1/sessions/${old.id}`, headers: auth(app.keys.ingest), payload: { status: 'completed', endedAt: new Date(now - 399 * DAY).toISOString() } })).statusCode, 200);
  assert.equal((await post('/v1/retention/run', {}, app.keys.admin)).json().deleted.toolCalls, 1);
  assert.deepEqual(await assertKept(app, 'retention took the old session'), { profiles: 1, sessions: 1, toolCalls: 1, productivityEvents: 0, featureUsage: 0 });
  assert.equal((await del(`/v1/profiles/${profile.id}?cascade=true`)).statusCode, 204);
  assert.deepEqual(await assertKept(app, 'the profile deleted with its session'), { profiles: 0, sessions: 0, toolCalls: 0, productivityEvents: 0, featureUsage: 0 });
});

test('a database upgraded with rows in it starts its kept counts from the rows it has', (t) => {
  const dir = tempDir(t);
  const db = openDatabase({ path: join(dir, 'upgrade.db') });
  t.after(() => closeDatabase(db));
  runMigrations(db, migrationsUpTo(dir, 19)); // 0000–0018: before row_counts
  const s = db.$client;
  s.exec("insert into profiles (id, name, created_at, updated_at) values (1, 'a', 0, 0), (2, 'b', 0, 0)");
  for (let i = 0; i < 3; i++) s.prepare("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values (?, 'agent', 'active', 0, 0, 0)").run(randomUUID());
  const session = s.prepare('select id from sessions limit 1').pluck().get() as string;
  for (let i = 0; i < 4; i++) s.prepare("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (?, ?, 'Bash', 1, 'success', ?)").run(randomUUID(), session, i);
  s.prepare("insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, created_at) values (?, ?, 'x', 2, 1, 1, 0)").run(randomUUID(), session);
  runMigrations(db, MIGRATIONS_FOLDER);
  const kept = Object.fromEntries((s.prepare('select table_name, rows from row_counts').all() as Array<{ table_name: string; rows: number }>).map((r) => [r.table_name, r.rows]));
  assert.deepEqual(kept, { profiles: 2, sessions: 3, tool_calls: 4, productivity_events: 1, feature_usage: 0 });
  s.prepare('delete from sessions where id = ?').run(session);
  assert.deepEqual(
    s.prepare("select table_name, rows from row_counts where table_name in ('sessions', 'tool_calls', 'productivity_events') order by 1").all(),
    [{ table_name: 'productivity_events', rows: 0 }, { table_name: 'sessions', rows: 2 }, { table_name: 'tool_calls', rows: 0 }],
    'deletes, cascades included, are counted by the triggers',
  );
});
