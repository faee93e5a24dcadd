import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auth, build } from '../helper.js';

const DAY = 86_400_000;

test('retention goes by the data\'s own times: backdated sessions sent over the API expire and go stale', async (t) => {
  const app = await build(t);
  const post = (url: string, payload: object, key = app.keys.ingest) => app.inject({ method: 'POST', url, headers: auth(key), payload });
  const now = Date.now();

  const old = (await post('/v1/sessions', { type: 'test', startedAt: now - 400 * DAY })).json() as { id: string };
  await post('/v1/tool-calls', { sessionId: old.id, toolName: 'Read', durationMs: 5, status: 'success', timestamp: now - 400 * DAY + 1000 });
  const ended = await app.inject({ method: 'PATCH', url: `/v1/sessions/${old.id}`, headers: auth(app.keys.ingest), payload: { status: 'completed', endedAt: now - 399 * DAY } });
  assert.equal(ended.statusCode, 200);

  const idle = (await post('/v1/sessions', { type: 'agent', startedAt: now - 2 * DAY })).json() as { id: string };
  const live = (await post('/v1/sessions', { type: 'agent', startedAt: now - 2 * DAY })).json() as { id: string };
  await app.inject({ method: 'PATCH', url: `/v1/sessions/${live.id}`, headers: auth(app.keys.ingest), payload: { outputLines: 10 } });
  const recent = (await post('/v1/sessions', { type: 'lint', startedAt: now - 10 * DAY })).json() as { id: string };
  await app.inject({ method: 'PATCH', url: `/v1/sessions/${recent.id}`, headers: auth(app.keys.ingest), payload: { status: 'failed', endedAt: now - 9 * DAY } });

  const dry = (await post('/v1/retention/run?dryRun=true', {}, app.keys.admin)).json() as { deleted: { sessions: number; toolCalls: number }; staleSessionsClosed: number };
  const run = (await post('/v1/retention/run', {}, app.keys.admin)).json() as typeof dry;
  assert.deepEqual(run.deleted, dry.deleted, 'the dry run counted what the run deleted');
  assert.equal(run.deleted.sessions, 1);
  assert.equal(run.deleted.toolCalls, 1);
  assert.equal(run.staleSessionsClosed, 1, 'idle for two days (default 24 h): cancelled');

  const get = async (id: string) => app.inject({ url: `/v1/sessions/${id}`, headers: auth(app.keys.read) });
  assert.equal((await get(old.id)).statusCode, 404);
  assert.equal((await get(idle.id)).json().status, 'cancelled');
  assert.equal((await get(live.id)).json().status, 'active', 'updated just now: not stale');
  assert.equal((await get(recent.id)).json().status, 'failed', 'ended 9 days ago: kept');
});
