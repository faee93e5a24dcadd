import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { SqliteStoreOptions } from '../../../src/db/sqlite/store.js';
import type { Draft, ToolCallRow } from '../../../src/db/store.js';
import { newId } from '../../../src/lib/ids.js';
import { auth, build, createSession, openTestStore, tempDir } from '../../helper.js';

/** How another connection stages a call (the CLI, a second server). */
const STAGE = 'insert into tool_call_stage (id, session_id, tool_name, duration_ms, status, error_type, timestamp) values (?, ?, ?, ?, ?, ?, ?)';

/** A store on a fresh file with one session, and what its staging tables and tool_calls hold. */
function setup(t: TestContext, options: Partial<SqliteStoreOptions> = {}) {
  const path = join(tempDir(t), 'staging.db');
  const store = openTestStore(t, path, options);
  const sql = store.sqlite.db.$client;
  const session = newId();
  sql.prepare("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values (?, 'agent', 'active', 0, 0, 0)").run(session);
  const count = (table: string) => sql.prepare(`select count(*) from ${table}`).pluck().get() as number;
  const staged = () => count('tool_call_stage');
  const call = (over: Partial<Draft<ToolCallRow>> = {}): Draft<ToolCallRow> => ({ sessionId: session, toolName: 'Read', durationMs: 5, status: 'success', errorType: null, timestamp: Date.now(), ...over });
  const append = (calls: Array<Draft<ToolCallRow>>) => store.toolCalls.append(calls, { allOrNothing: true });
  return { store, sql, path, session, count, staged, call, append };
}

test('an id staged or already in tool_calls is a duplicate; staged calls move in timestamp order', async (t) => {
  const { store, sql, count, staged, call, append } = setup(t, { moveEveryMs: 60_000 });
  const a = call({ id: newId(), timestamp: 5 });
  const b = call({ id: newId(), timestamp: 4 });
  assert.deepEqual(await append([a]), { accepted: 1, duplicates: 0, unknownSessions: [] });
  assert.deepEqual(await append([{ ...a, toolName: 'Other' }, b, b]), { accepted: 1, duplicates: 2, unknownSessions: [] });
  assert.equal(staged(), 2);
  store.sqlite.settle();
  assert.equal(staged(), 0);
  assert.deepEqual(sql.prepare('select id, tool_name as tool from tool_calls order by rowid').all(), [
    { id: b.id, tool: 'Read' },
    { id: a.id, tool: 'Read' },
  ]);
  assert.deepEqual(await append([a]), { accepted: 0, duplicates: 1, unknownSessions: [] }, 'already in tool_calls');
  assert.equal(count('tool_calls'), 2);
});

test('a group commit moves the staged calls once moveEveryMs has passed, and when ingest stops, a little later', async (t) => {
  const lazy = setup(t, { moveEveryMs: 60_000 });
  await Promise.all([lazy.append([lazy.call()]), lazy.append([lazy.call({ id: newId() })])]);
  await lazy.append([lazy.call()]);
  assert.deepEqual([lazy.staged(), lazy.count('tool_calls')], [3, 0]);

  const eager = setup(t, { moveEveryMs: 0 });
  await eager.append([eager.call({ id: newId() })]);
  assert.deepEqual([eager.staged(), eager.count('tool_calls')], [0, 1], 'moved in the same commit');

  const idle = setup(t, { moveEveryMs: 300 });
  await idle.append([idle.call()]);
  assert.deepEqual([idle.staged(), idle.count('tool_calls')], [1, 0]);
  for (let i = 0; i < 250 && idle.count('tool_calls') === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual([idle.staged(), idle.count('tool_calls')], [0, 1], 'moved without further ingest');
});

test('server-made calls of a group commit are staged together, moved with the rest', async (t) => {
  const { store, sql, count, call, append } = setup(t, { moveEveryMs: 60_000, groupCommitMs: 5 });
  const calls = [call({ toolName: 'A' }), call({ toolName: 'B' }), call({ toolName: 'C', status: 'error', errorType: 'E' })];
  const results = await Promise.all(calls.map((c) => append([c])));
  assert.ok(results.every((r) => r.accepted === 1));
  assert.deepEqual([count('tool_call_stage'), count('tool_calls')], [3, 0], 'staged in the group\'s commit');
  await append([call({ id: newId(), toolName: 'Client' })]);
  store.sqlite.settle();
  const stored = sql.prepare('select tool_name as toolName, status, error_type as errorType from tool_calls order by toolName').all();
  assert.deepEqual(stored, [
    { toolName: 'A', status: 'success', errorType: null },
    { toolName: 'B', status: 'success', errorType: null },
    { toolName: 'C', status: 'error', errorType: 'E' },
    { toolName: 'Client', status: 'success', errorType: null },
  ]);
});

test('a request that fails midway stores and counts nothing; the requests beside it in its group are stored and counted once', async (t) => {
  const { store, sql, session, count, call, append } = setup(t, { moveEveryMs: 60_000, groupCommitMs: 5 });
  const results = await Promise.allSettled([
    append([call({ toolName: 'Kept', timestamp: 10 }), call({ id: newId(), toolName: 'Kept too', timestamp: 20 })]),
    // Buffers a server-made call and one with an id, then breaks a check of tool_calls: its group goes on without it.
    append([call({ toolName: 'Undone', timestamp: 90 }), call({ id: newId(), toolName: 'Undone too', timestamp: 91 }), call({ id: newId(), durationMs: -1, timestamp: 95 })]),
    append([call({ toolName: 'Single', timestamp: 30 })]),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  store.sqlite.settle();
  assert.deepEqual(sql.prepare('select tool_name from tool_calls order by tool_name').pluck().all(), ['Kept', 'Kept too', 'Single']);
  assert.deepEqual(sql.prepare('select tool_call_count as n, last_activity_at as at from sessions where id = ?').get(session), { n: 3, at: 30 });
  assert.equal(count('tool_call_stage'), 0);
});

test('a deleted session takes its staged calls along: by the store, or behind its back (another process)', async (t) => {
  const { store, session, count, staged, call, append } = setup(t, { moveEveryMs: 60_000 });
  await append([call(), call({ id: newId() })]);
  assert.equal(staged(), 2);
  assert.equal(await store.sessions.remove(session), true);
  store.sqlite.settle();
  assert.deepEqual([staged(), count('tool_calls')], [0, 0]);

  const other = setup(t, { moveEveryMs: 60_000 });
  await other.append([other.call()]);
  const behind = new Database(other.path);
  behind.prepare('delete from sessions where id = ?').run(other.session);
  behind.close();
  other.store.sqlite.settle();
  assert.deepEqual([other.staged(), other.count('tool_calls')], [0, 0], 'the move leaves them out instead of failing');
});

test('a session read moves the staged calls first: toolCallCount and lastActivityAt count every answered call', async (t) => {
  const { store, sql, session, count, call, append } = setup(t, { moveEveryMs: 60_000, groupCommitMs: 5 });
  await Promise.all([append([call({ timestamp: 7000 })]), append([call({ timestamp: 9000 })]), append([call({ id: newId(), timestamp: 8000 })])]);
  const raw = () => sql.prepare('select tool_call_count as n, last_activity_at as at from sessions where id = ?').get(session);
  assert.deepEqual(raw(), { n: 0, at: 0 }, 'counted as they move');
  assert.equal((await store.sessions.find(session))?.toolCallCount, 3);
  assert.deepEqual(raw(), { n: 3, at: 9000 });
  assert.equal(count('tool_calls'), 3);
});

test('every reader of tool_calls sees staged calls, and calls a crash left staged are moved at the next start', async (t) => {
  const app = await build(t);
  const s = await createSession(app);
  const sql = app.sqlite.db.$client;
  // Staged as another process (the CLI, a second server) stages them: through its own connection.
  const other = new Database(join(app.dir, 'analytics.db'));
  t.after(() => other.close());
  const stage = (toolName: string) => {
    other.prepare(STAGE).run(newId(), s.id, toolName, 12, 'success', null, Date.now() - 1000);
  };
  const get = async (url: string) => (await app.inject({ url, headers: auth(app.keys.admin) })).body;
  stage('Listed');
  assert.match(await get(`/v1/tool-calls?session=${s.id}`), /"toolName":"Listed"/);
  stage('Exported');
  assert.match(await get('/v1/tool-calls/export'), /"toolName":"Exported"/);
  stage('Reported');
  assert.match(await get('/v1/reports/tools'), /"toolName":"Reported","calls":1/);
  stage('Counted');
  assert.match(await get('/v1/stats'), /"toolCalls":4/);
  stage('Kept');
  assert.match(await get(`/v1/sessions/${s.id}`), /"toolCallCount":5/);
  stage('Judged');
  const dry = await app.inject({ method: 'POST', url: '/v1/retention/run?dryRun=true', headers: auth(app.keys.admin) });
  assert.equal(dry.statusCode, 200);
  assert.equal(sql.prepare('select count(*) from tool_call_stage').pluck().get(), 0, 'retention judges staged calls too');

  // As a crash leaves it: committed in the staging tables, not moved.
  const dbPath = join(app.dir, 'analytics.db');
  await app.close();
  const batched = newId();
  other.prepare(STAGE).run(batched, s.id, 'Grep', 4, 'timeout', null, Date.now());
  const next = await build(t, { dbPath });
  const nextSql = next.sqlite.db.$client;
  assert.equal(nextSql.prepare('select count(*) from tool_call_stage').pluck().get(), 0);
  assert.deepEqual(nextSql.prepare('select tool_name as tool, status, error_type as errorType from tool_calls where id = ?').get(batched), { tool: 'Grep', status: 'timeout', errorType: null });
  // A call the crash left staged is stored: sent again, it is a duplicate.
  const again = await next.inject({ method: 'POST', url: '/v1/tool-calls', headers: auth(next.keys.ingest), payload: { id: batched, sessionId: s.id, toolName: 'Grep', durationMs: 4, status: 'timeout' } });
  assert.deepEqual(again.json(), { accepted: 0, duplicates: 1, rejected: [] });
});

test("the rollups read staged calls too: a deleted session's calls come out, and a rebuild counts them", async (t) => {
  const { store, sql, session, call, append } = setup(t, { moveEveryMs: 60_000 });
  await store.rollups.rebuild();
  await append([call({ toolName: 'Rebuilt', timestamp: Date.now() - 60_000 })]);
  await store.rollups.rebuild();
  store.sqlite.settle();
  assert.deepEqual(sql.prepare('select tool_name, calls from tool_call_slot_rollups order by 1').all(), [{ tool_name: 'Rebuilt', calls: 1 }]);
  await append([call({ toolName: 'Staged', timestamp: Date.now() - 60_000 })]);
  assert.equal(await store.sessions.remove(session), true);
  store.sqlite.settle();
  assert.deepEqual(sql.prepare('select tool_name from tool_call_slot_rollups where calls > 0').pluck().all(), []);
});

test('a move a crash cut short carries on from where it got to: nothing moved twice, nothing lost', async (t) => {
  const { path, session, call, append } = setup(t, { moveEveryMs: 60_000 });
  const calls = Array.from({ length: 10 }, (_, i) => call({ id: newId(), timestamp: 1000 - i * 10 }));
  await append(calls);
  // As a crash leaves it (this store stays idle, as if dead): the move had put the oldest four
  // (by timestamp) into tool_calls and saved where it got to.
  const sorted = [...calls].sort((a, b) => a.timestamp - b.timestamp);
  const raw = new Database(path);
  const moved = raw.prepare("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (?, ?, 'Read', 5, 'success', ?)");
  for (const c of sorted.slice(0, 4)) moved.run(c.id, session, c.timestamp);
  const upTo = raw.prepare('select max(seq) from tool_call_stage').pluck().get();
  raw.prepare("insert into settings (key, value, updated_at) values ('toolCallStage.move', ?, 0)").run(JSON.stringify({ upTo, after: [sorted[3]?.timestamp, sorted[3]?.id] }));
  raw.close();

  const restarted = openTestStore(t, path, { moveEveryMs: 60_000 });
  const sql = restarted.sqlite.db.$client;
  restarted.sqlite.settle();
  assert.deepEqual(sql.prepare('select id from tool_calls order by seq').pluck().all(), sorted.map((c) => c.id), 'each once, in timestamp order');
  assert.equal(sql.prepare('select count(*) from tool_call_stage').pluck().get(), 0);
  assert.equal(sql.prepare("select count(*) from settings where key = 'toolCallStage.move'").pluck().get(), 0);
  assert.deepEqual(await restarted.toolCalls.append([calls[0] as Draft<ToolCallRow>], { allOrNothing: true }), { accepted: 0, duplicates: 1, unknownSessions: [] });
});
