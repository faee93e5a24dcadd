import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { closeDatabase, openDatabase } from '../../src/db/sqlite/client.js';
import { runMigrations } from '../../src/db/sqlite/migrate.js';
import { newId } from '../../src/lib/ids.js';
import { loadConfig } from '../../src/config.js';
import { createRollupService } from '../../src/services/rollups.js';
import { createSessionService } from '../../src/services/sessions.js';
import { createToolCallInbox, type StagedCall } from '../../src/services/tool-call-inbox.js';
import { createWriteQueue } from '../../src/services/write-queue.js';
import { auth, build, createSession, tempDir } from '../helper.js';

function setup(t: TestContext) {
  const db = openDatabase({ path: join(tempDir(t), 'inbox.db') });
  t.after(() => closeDatabase(db));
  runMigrations(db);
  const session = newId();
  db.$client
    .prepare("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values (?, 'agent', 'active', 0, 0, 0)")
    .run(session);
  const count = (table: string) => db.$client.prepare(`select count(*) from ${table}`).pluck().get() as number;
  const call = (over: Partial<StagedCall> = {}): StagedCall => ({ id: newId(), sessionId: session, toolName: 'Read', durationMs: 5, status: 'success', errorType: null, timestamp: Date.now(), ...over });
  return { db, session, count, call };
}

test('an id staged or already in tool_calls is a duplicate; drain() moves every staged call, in arrival order', (t) => {
  const { db, count, call } = setup(t);
  const inbox = createToolCallInbox({ db });
  const a = call({ timestamp: 5 });
  const b = call({ timestamp: 5 });
  const tx = db.$client.transaction(() => [inbox.insert(a), inbox.insert({ ...a, toolName: 'Other' }), inbox.insert(b)]);
  assert.deepEqual(tx(), [true, false, true]);
  assert.equal(count('tool_call_inbox'), 2);
  assert.equal(inbox.drain(), 2);
  assert.equal(count('tool_call_inbox'), 0);
  assert.deepEqual(db.$client.prepare('select id, tool_name as tool from tool_calls order by rowid').all(), [{ id: a.id, tool: 'Read' }, { id: b.id, tool: 'Read' }]);
  assert.equal(db.$client.transaction(() => inbox.insert(a))(), false, 'already in tool_calls');
  assert.equal(inbox.drain(), 0, 'nothing staged: nothing to move');
});

test('a group commit moves the staged calls once moveEveryMs has passed', async (t) => {
  const { db, count, call } = setup(t);
  const writes = createWriteQueue({ db, windowMs: 0 });
  const lazy = createToolCallInbox({ db, writes, moveEveryMs: 60_000 });
  await Promise.all([writes.run(() => lazy.insert(call())), writes.run(() => lazy.insert(call()))]);
  await writes.run(() => lazy.insert(call()));
  assert.deepEqual([count('tool_call_inbox'), count('tool_calls')], [3, 0]);

  const other = setup(t);
  const eagerWrites = createWriteQueue({ db: other.db, windowMs: 0 });
  const eager = createToolCallInbox({ db: other.db, writes: eagerWrites, moveEveryMs: 0 });
  await eagerWrites.run(() => eager.insert(other.call()));
  assert.deepEqual([other.count('tool_call_inbox'), other.count('tool_calls')], [0, 1], 'moved in the same commit');

  // Ingest stops: what the last commit staged moves moveEveryMs later all the same.
  const last = setup(t);
  const lastWrites = createWriteQueue({ db: last.db, windowMs: 0 });
  const idle = createToolCallInbox({ db: last.db, writes: lastWrites, moveEveryMs: 300 });
  await lastWrites.run(() => idle.insert(last.call()));
  assert.deepEqual([last.count('tool_call_inbox'), last.count('tool_calls')], [1, 0]);
  await new Promise((r) => setTimeout(r, 700));
  assert.deepEqual([last.count('tool_call_inbox'), last.count('tool_calls')], [0, 1], 'moved without further ingest');
});

test('deleting a session takes its staged calls along; the checks of tool_calls hold in the inbox too', (t) => {
  const { db, session, count, call } = setup(t);
  const inbox = createToolCallInbox({ db });
  db.$client.transaction(() => inbox.insert(call()))();
  assert.throws(() => db.$client.transaction(() => inbox.insert(call({ durationMs: -1 })))(), /CHECK constraint failed/);
  assert.throws(() => db.$client.transaction(() => inbox.insert(call({ sessionId: newId() })))(), /FOREIGN KEY constraint failed/);
  db.$client.prepare('delete from sessions where id = ?').run(session);
  assert.equal(count('tool_call_inbox'), 0);
});

test('every reader of tool_calls sees staged calls, and calls a crash left staged are moved at the next start', async (t) => {
  const app = await build(t);
  const s = await createSession(app);
  const staged = (toolName: string) => {
    app.db.$client.transaction(() => app.services.inbox.insert({ id: newId(), sessionId: s.id, toolName, durationMs: 12, status: 'success', errorType: null, timestamp: Date.now() - 1000 }))();
    assert.equal(app.db.$client.prepare('select count(*) from tool_call_inbox').pluck().get(), 1, `${toolName} is staged`);
    return toolName;
  };
  const get = async (url: string) => (await app.inject({ url, headers: auth(app.keys.admin) })).body;
  staged('Listed');
  assert.match(await get(`/v1/tool-calls?session=${s.id}`), /"toolName":"Listed"/);
  staged('Exported');
  assert.match(await get('/v1/tool-calls/export'), /"toolName":"Exported"/);
  staged('Reported');
  assert.match(await get('/v1/reports/tools'), /"toolName":"Reported","calls":1/);
  staged('Counted');
  assert.match(await get('/v1/stats'), /"toolCalls":4/);
  staged('Kept');
  const dry = await app.inject({ method: 'POST', url: '/v1/retention/run?dryRun=true', headers: auth(app.keys.admin) });
  assert.equal(dry.statusCode, 200);
  assert.equal(app.db.$client.prepare('select count(*) from tool_call_inbox').pluck().get(), 0, 'retention judges staged calls too');

  // As a crash leaves it: committed in the inbox, not moved.
  const dbPath = join(app.dir, 'analytics.db');
  await app.close();
  const raw = new Database(dbPath);
  const left = newId();
  raw.prepare("insert into tool_call_inbox (id, session_id, tool_name, duration_ms, status, error_type, timestamp) values (?, ?, 'Edit', 3, 'error', 'x', ?)").run(left, s.id, Date.now());
  const batched = newId();
  raw.prepare('insert into tool_call_batches (calls) values (?)').run(JSON.stringify([[batched, s.id, 'Grep', 4, 'timeout', null, Date.now()]]));
  raw.close();
  const next = await build(t, { dbPath });
  assert.equal(next.db.$client.prepare('select count(*) from tool_call_inbox').pluck().get(), 0);
  assert.equal(next.db.$client.prepare('select count(*) from tool_call_batches').pluck().get(), 0);
  assert.equal(next.db.$client.prepare('select tool_name from tool_calls where id = ?').pluck().get(left), 'Edit');
  assert.deepEqual(next.db.$client.prepare('select tool_name as tool, status, error_type as errorType from tool_calls where id = ?').get(batched), { tool: 'Grep', status: 'timeout', errorType: null });
});

test('the rollups read staged calls too: a deleted session\'s calls and a rebuild include them', async (t) => {
  const { db, session, call } = setup(t);
  const inbox = createToolCallInbox({ db });
  const rollups = createRollupService({ db, now: Date.now, inbox });
  db.$client.transaction(() => inbox.insert(call({ toolName: 'Staged', durationMs: 7 })))();
  assert.deepEqual(rollups.callsOf({ sessionId: session }).map((c) => c.toolName), ['Staged']);
  db.$client.transaction(() => inbox.insert(call({ toolName: 'Rebuilt' })))();
  await rollups.rebuild();
  const tools = db.$client.prepare('select tool_name from tool_call_slot_rollups order by 1').pluck().all();
  assert.deepEqual(tools, ['Rebuilt', 'Staged']);
});

test('server-made calls of a group commit are staged as one tool_call_batches row and moved like the rest', async (t) => {
  const { db, count, call } = setup(t);
  const writes = createWriteQueue({ db, windowMs: 5 });
  const inbox = createToolCallInbox({ db, writes, moveEveryMs: 60_000 });
  const calls = [call({ toolName: 'A' }), call({ toolName: 'B' }), call({ toolName: 'C', status: 'error', errorType: 'E' })];
  assert.deepEqual(await Promise.all(calls.map((c) => writes.run(() => inbox.insert(c, true)))), [true, true, true]);
  assert.deepEqual([count('tool_call_batches'), count('tool_call_inbox'), count('tool_calls')], [1, 0, 0], 'one row for the whole group');
  const client = call({ toolName: 'Client' });
  await writes.run(() => inbox.insert(client));
  assert.equal(inbox.drain(), 4);
  assert.deepEqual([count('tool_call_batches'), count('tool_call_inbox')], [0, 0]);
  const stored = db.$client.prepare('select id, session_id as sessionId, tool_name as toolName, duration_ms as durationMs, status, error_type as errorType, timestamp from tool_calls order by id').all();
  assert.deepEqual(stored, [...calls, client].sort((a, b) => a.id.localeCompare(b.id)));
});

test('a job that fails takes back the calls it staged in memory; the others of its group are stored', async (t) => {
  const { db, count, call } = setup(t);
  const writes = createWriteQueue({ db, windowMs: 5 });
  const inbox = createToolCallInbox({ db, writes, moveEveryMs: 0 });
  const kept = call({ toolName: 'Kept' });
  const results = await Promise.allSettled([
    writes.run(() => inbox.insert(kept, true)),
    writes.run(() => {
      inbox.insert(call({ toolName: 'Undone' }), true);
      throw new Error('the job fails after staging');
    }),
    // Writes, then fails: the group starts over with savepoints and must not stage twice.
    writes.run(() => {
      inbox.insert(call({ toolName: 'Also undone' }), true);
      inbox.insert(call({ toolName: 'Undone with its rows' }));
      throw new Error('fails after a write');
    }),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected']);
  assert.deepEqual(db.$client.prepare('select tool_name from tool_calls').pluck().all(), ['Kept']);
  assert.deepEqual([count('tool_call_batches'), count('tool_call_inbox')], [0, 0]);
});

test('a server-made call that breaks a check of tool_calls fails its ingest, never the move; a deleted session\'s batched calls are dropped', async (t) => {
  const { db, session, count, call } = setup(t);
  const writes = createWriteQueue({ db, windowMs: 0 });
  const inbox = createToolCallInbox({ db, writes, moveEveryMs: 60_000 });
  await assert.rejects(writes.run(() => inbox.insert(call({ durationMs: -1 }), true)), /CHECK constraint failed/);
  await assert.rejects(writes.run(() => inbox.insert(call({ status: 'lost' }), true)), /CHECK constraint failed/);
  await writes.run(() => inbox.insert(call(), true));
  assert.equal(count('tool_call_batches'), 1);
  // Deleted behind this process's back (another process): the move leaves its calls out instead of failing.
  db.$client.prepare('delete from sessions where id = ?').run(session);
  assert.equal(inbox.drain(), 0);
  assert.deepEqual([count('tool_call_batches'), count('tool_calls')], [0, 0]);
});

test('a session read moves the staged calls first: toolCallCount and lastActivityAt count every answered call', async (t) => {
  const { db, session, count, call } = setup(t);
  const writes = createWriteQueue({ db, windowMs: 5 });
  const inbox = createToolCallInbox({ db, writes, moveEveryMs: 60_000 });
  const rollups = createRollupService({ db, now: Date.now, inbox });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const sessions = createSessionService({ db, config: loadConfig({}), now: Date.now, log: quiet, rollups, inbox });
  await Promise.all([
    writes.run(() => inbox.insert(call({ timestamp: 7000 }), true)),
    writes.run(() => inbox.insert(call({ timestamp: 9000 }), true)),
    writes.run(() => inbox.insert(call({ timestamp: 8000 }))),
  ]);
  const raw = () => db.$client.prepare('select tool_call_count as n, last_activity_at as at from sessions where id = ?').get(session);
  assert.deepEqual(raw(), { n: 0, at: 0 }, 'counted as they move');
  assert.equal(count('tool_call_batches'), 1);
  assert.equal(sessions.get(session).toolCallCount, 3);
  assert.deepEqual(raw(), { n: 3, at: 9000 });
  assert.equal(count('tool_calls'), 3);
  // Outside a group commit (the CLI, a caller's own transaction) a call counts at once.
  db.$client.transaction(() => inbox.insert(call({ timestamp: 9500 })))();
  assert.deepEqual(raw(), { n: 4, at: 9500 });
});
