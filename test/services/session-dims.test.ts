import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { auth, build, problemOf, type TestApp } from '../helper.js';

const post = (app: TestApp, url: string, payload: object) => app.inject({ method: 'POST', url, headers: auth(app.keys.admin), payload });
const call = (sessionId: string) => ({ sessionId, toolName: 'Read', durationMs: 5, status: 'success', timestamp: Date.now() - 60_000 });

test('a remembered session deleted behind the service\'s back is refused like any unknown session, and nothing is stored', async (t) => {
  const app = await build(t);
  const id = randomUUID();
  assert.equal((await post(app, '/v1/sessions', { id, type: 'agent' })).statusCode, 201);
  assert.equal((await post(app, '/v1/tool-calls', call(id))).statusCode, 200, 'now remembered');
  app.sqlite.settle();
  // As another process (the CLI's retention, a second server) would: its own connection.
  const other = new Database(join(app.dir, 'analytics.db'));
  other.pragma('foreign_keys = on');
  other.prepare('delete from sessions where id = ?').run(id);
  other.close();
  const refused = await post(app, '/v1/tool-calls', call(id));
  assert.equal(refused.statusCode, 422);
  assert.equal(problemOf(refused).code, 'UNKNOWN_SESSION');
  const partial = await post(app, '/v1/tool-calls?partial=true', call(id));
  assert.equal((partial.json() as { rejected: Array<{ code: string }> }).rejected[0]?.code, 'UNKNOWN_SESSION');
  app.sqlite.settle();
  assert.equal(app.sqlite.db.$client.prepare('select count(*) from tool_calls').pluck().get(), 0);
});

const DAY = 86_400_000;

/** The three ways the service deletes a session. */
const deleteWays: Record<string, (app: TestApp, id: string) => Promise<void>> = {
  'DELETE /v1/sessions/{id}': async (app, id) => {
    assert.equal((await app.inject({ method: 'DELETE', url: `/v1/sessions/${id}`, headers: auth(app.keys.admin) })).statusCode, 204);
  },
  'DELETE /v1/profiles/{name}?cascade=true': async (app) => {
    assert.equal((await app.inject({ method: 'DELETE', url: '/v1/profiles/crew?cascade=true', headers: auth(app.keys.admin) })).statusCode, 204);
  },
  'a retention run': async (app) => {
    const run = await post(app, '/v1/retention/run', {});
    assert.equal((run.json() as { deleted: { sessions: number } }).deleted.sessions, 1);
  },
};

for (const [way, remove] of Object.entries(deleteWays)) {
  test(`a session deleted (${way}) and created again under the same id rolls its calls up by its new project`, async (t) => {
    const app = await build(t);
    await app.services.rollups.rebuild();
    assert.equal((await post(app, '/v1/profiles', { name: 'crew' })).statusCode, 201);
    const id = randomUUID();
    const old = Date.now() - 400 * DAY;
    assert.equal((await post(app, '/v1/sessions', { id, type: 'agent', profile: 'crew', project: 'old', startedAt: old })).statusCode, 201);
    assert.equal((await post(app, '/v1/tool-calls', { ...call(id), timestamp: old + 1000 })).statusCode, 200);
    assert.equal((await app.inject({ method: 'PATCH', url: `/v1/sessions/${id}`, headers: auth(app.keys.admin), payload: { status: 'completed', endedAt: old + 2000 } })).statusCode, 200);
    await remove(app, id);
    assert.equal((await post(app, '/v1/sessions', { id, type: 'agent', project: 'new' })).statusCode, 201);
    const now = Date.now() - 60_000;
    assert.equal((await post(app, '/v1/tool-calls', { ...call(id), timestamp: now })).statusCode, 200);
    app.sqlite.settle();
    const rows = app.sqlite.db.$client.prepare('select project, profile_id as profile, calls from tool_call_slot_rollups where slot_start > ? and calls > 0').all(now - DAY);
    assert.deepEqual(rows, [{ project: 'new', profile: 0, calls: 1 }]);
  });
}
