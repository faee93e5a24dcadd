import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auth, build, createSession, problemOf, type TestApp } from '../helper.js';

const ID = '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d';
const T0 = Date.parse('2026-01-10T10:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();
// Staged calls move into tool_calls between requests; settle() makes the table complete now.
const count = (app: TestApp, table: string) => (app.sqlite.settle(), app.sqlite.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
const stored = (app: TestApp, id: string) => app.sqlite.db.$client.prepare('select * from sessions where id = ?').get(id) as Record<string, unknown> | undefined;

async function send(app: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, key = app.keys.ingest) {
  return app.inject({ method, url, headers: auth(key), ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function expectProblem(res: Awaited<ReturnType<typeof send>>, status: number, code: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(problemOf(res).code, code);
}

async function withProfile(app: TestApp, name = 'node-dev'): Promise<number> {
  return (await send(app, 'POST', '/v1/profiles', { name }, app.keys.admin)).json().id;
}

test('POST starts an active session with a UUID v7 and exactly the documented fields', async (t) => {
  const app = await build(t);
  const before = Date.now();
  const res = await send(app, 'POST', '/v1/sessions', { type: 'repl' });
  assert.equal(res.statusCode, 201);
  const s = res.json();
  assert.deepEqual(Object.keys(s).sort(), ['durationMs', 'endedAt', 'errorCount', 'exitCode', 'id', 'outputLines', 'profileId', 'project', 'startedAt', 'status', 'toolCallCount', 'type']);
  assert.match(s.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual({ ...s, id: undefined, startedAt: undefined }, {
    id: undefined, startedAt: undefined, profileId: null, type: 'repl', status: 'active', project: null, endedAt: null, durationMs: null, exitCode: null, outputLines: 0, errorCount: 0, toolCallCount: 0,
  });
  assert.ok(Date.parse(s.startedAt) >= before && Date.parse(s.startedAt) <= Date.now());
  const row = stored(app, s.id)!;
  assert.equal(row.updated_at, row.last_activity_at);
  assert.deepEqual((await send(app, 'GET', `/v1/sessions/${s.id}`, undefined, app.keys.read)).json(), s);
});

test('POST: profile by id, digits or name; ids in any case are stored lower case; times as RFC 3339 or epoch ms', async (t) => {
  const app = await build(t);
  const pid = await withProfile(app);
  const a = await createSession(app, { id: ID.toUpperCase(), type: 'test', profile: 'node-dev', project: 'web', startedAt: at(T0) });
  assert.equal(a.id, ID);
  assert.equal(a.profileId, pid);
  assert.equal(a.startedAt, at(T0));
  assert.equal((await createSession(app, { type: 'lint', profile: pid, startedAt: T0 })).startedAt, at(T0));
  assert.equal((await createSession(app, { type: 'lint', profile: String(pid), startedAt: '2026-01-10T12:00:00+02:00' })).startedAt, at(T0));
  assert.equal((await send(app, 'GET', `/v1/sessions/${ID.toUpperCase()}`, undefined, app.keys.read)).json().id, ID);
  assert.deepEqual([(await createSession(app, { type: 'mcp', profile: null, project: null })).profileId], [null]);
});

test('POST is idempotent on id: same fields → 200 with the stored session; different → 409 SESSION_ID_CONFLICT', async (t) => {
  const app = await build(t);
  await withProfile(app);
  const body = { id: ID, type: 'test', profile: 'node-dev', project: 'web', startedAt: at(T0) };
  const first = await createSession(app, body);
  const again = await send(app, 'POST', '/v1/sessions', { ...body, id: ID.toUpperCase() });
  assert.equal(again.statusCode, 200);
  assert.deepEqual(again.json(), first);
  assert.equal((await send(app, 'POST', '/v1/sessions', { id: ID, type: 'test', profile: 1, project: 'web' })).statusCode, 200, 'startedAt omitted, profile by id');
  for (const change of [{ type: 'lint' }, { project: 'api' }, { project: undefined }, { profile: undefined }, { startedAt: T0 + 1 }]) {
    await expectProblem(await send(app, 'POST', '/v1/sessions', { ...body, ...change }), 409, 'SESSION_ID_CONFLICT');
  }
  assert.equal(count(app, 'sessions'), 1);
  assert.deepEqual((await send(app, 'GET', `/v1/sessions/${ID}`, undefined, app.keys.read)).json(), first);
});

test('POST: unknown profile → 422 UNKNOWN_PROFILE; invalid input → 400; nothing written', async (t) => {
  const app = await build(t);
  await expectProblem(await send(app, 'POST', '/v1/sessions', { type: 'test', profile: 'nope' }), 422, 'UNKNOWN_PROFILE');
  await expectProblem(await send(app, 'POST', '/v1/sessions', { type: 'test', profile: 7 }), 422, 'UNKNOWN_PROFILE');
  const bad = [
    {}, { type: 'deploy' }, { type: 'test', extra: 1 }, { type: 'test', id: 'not-a-uuid' }, { type: 'test', profile: 1.5 },
    { type: 'test', startedAt: 1_700_000_000 }, { type: 'test', startedAt: 'yesterday' }, { type: 'test', startedAt: '2026-01-10T10:00:00' },
    { type: 'test', startedAt: Date.now() + 25 * 3600_000 }, { type: 'test', project: '' }, { type: 'test', project: 5 },
  ];
  for (const body of bad) await expectProblem(await send(app, 'POST', '/v1/sessions', body), 400, 'VALIDATION_FAILED');
  assert.equal(count(app, 'sessions'), 0);
});

test('roles: ingest writes, read reads, admin deletes', async (t) => {
  const app = await build(t);
  const s = await createSession(app);
  await expectProblem(await send(app, 'POST', '/v1/sessions', { type: 'test' }, app.keys.read), 403, 'FORBIDDEN');
  await expectProblem(await send(app, 'PATCH', `/v1/sessions/${s.id}`, { outputLines: 1 }, app.keys.read), 403, 'FORBIDDEN');
  await expectProblem(await send(app, 'GET', '/v1/sessions'), 403, 'FORBIDDEN');
  await expectProblem(await send(app, 'DELETE', `/v1/sessions/${s.id}`), 403, 'FORBIDDEN');
  await expectProblem(await send(app, 'DELETE', `/v1/sessions/${s.id}`, undefined, app.keys.read), 403, 'FORBIDDEN');
  await expectProblem(await app.inject({ method: 'POST', url: '/v1/sessions', payload: { type: 'nope' } }), 401, 'UNAUTHORIZED');
  assert.equal(count(app, 'sessions'), 1);
  assert.equal(stored(app, s.id)!.output_lines, 0);
  assert.equal((await send(app, 'PATCH', `/v1/sessions/${s.id}`, { outputLines: 1 }, app.keys.admin)).statusCode, 200);
});

test('PATCH updates counters and exit code, keeps it active, and maintains updatedAt/lastActivityAt', async (t) => {
  const app = await build(t, {}, { now: () => T0 + 60_000 });
  const s = await createSession(app, { type: 'watch', startedAt: T0 });
  const res = await send(app, 'PATCH', `/v1/sessions/${s.id}`, { status: 'active', outputLines: 120, errorCount: 2, exitCode: -9 });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { ...s, outputLines: 120, errorCount: 2, exitCode: -9 });
  const row = stored(app, s.id)!;
  assert.equal(row.updated_at, T0 + 60_000);
  assert.equal(row.last_activity_at, T0 + 60_000);
  const lower = (await send(app, 'PATCH', `/v1/sessions/${s.id}`, { outputLines: 7 })).json();
  assert.equal(lower.outputLines, 7, 'absolute values, not increments');
});

test('PATCH with a terminal status ends it: endedAt defaults to now; durationMs = endedAt − startedAt', async (t) => {
  const now = T0 + 90_500;
  const app = await build(t, {}, { now: () => now });
  for (const status of ['completed', 'failed', 'cancelled']) {
    const s = await createSession(app, { type: 'test', startedAt: T0 });
    const ended = (await send(app, 'PATCH', `/v1/sessions/${s.id}`, { status, exitCode: 0 })).json();
    assert.equal(ended.status, status);
    assert.equal(ended.endedAt, at(now));
    assert.equal(ended.durationMs, 90_500);
  }
  const s = await createSession(app, { type: 'test', startedAt: T0 });
  const ended = (await send(app, 'PATCH', `/v1/sessions/${s.id}`, { status: 'completed', endedAt: T0 + 1000 })).json();
  assert.equal(ended.endedAt, at(T0 + 1000));
  assert.equal(ended.durationMs, 1000);
  const zero = await createSession(app, { type: 'test', startedAt: T0 });
  assert.equal((await send(app, 'PATCH', `/v1/sessions/${zero.id}`, { status: 'failed', endedAt: at(T0) })).json().durationMs, 0);
});

test('an ended session is immutable: any PATCH is a 409 SESSION_ENDED', async (t) => {
  const app = await build(t);
  const s = await createSession(app, { type: 'test', startedAt: T0 });
  const ended = (await send(app, 'PATCH', `/v1/sessions/${s.id}`, { status: 'completed', endedAt: T0 + 5 })).json();
  for (const body of [{ outputLines: 1 }, { status: 'active' }, { status: 'completed' }, { status: 'failed', endedAt: T0 + 9 }]) {
    await expectProblem(await send(app, 'PATCH', `/v1/sessions/${s.id}`, body), 409, 'SESSION_ENDED');
  }
  assert.deepEqual((await send(app, 'GET', `/v1/sessions/${s.id}`, undefined, app.keys.read)).json(), ended);
});

test('PATCH: 422 INVALID_TIME_RANGE, 422 SESSION_NOT_ENDING, 400 on bad bodies, 404/400 on ids; nothing written', async (t) => {
  const app = await build(t);
  const s = await createSession(app, { type: 'test', startedAt: T0 });
  const url = `/v1/sessions/${s.id}`;
  const before = stored(app, s.id);
  await expectProblem(await send(app, 'PATCH', url, { status: 'completed', endedAt: T0 - 1 }), 422, 'INVALID_TIME_RANGE');
  await expectProblem(await send(app, 'PATCH', url, { endedAt: T0 + 5 }), 422, 'SESSION_NOT_ENDING');
  await expectProblem(await send(app, 'PATCH', url, { status: 'active', endedAt: T0 + 5, outputLines: 3 }), 422, 'SESSION_NOT_ENDING');
  const bad = [
    {}, { status: 'done' }, { outputLines: -1 }, { errorCount: 1.5 }, { outputLines: '3' }, { exitCode: 2 ** 53 }, { exitCode: null },
    { endedAt: 'soon', status: 'completed' }, { type: 'lint' }, { toolCallCount: 3 },
  ];
  for (const body of bad) await expectProblem(await send(app, 'PATCH', url, body), 400, 'VALIDATION_FAILED');
  assert.deepEqual(stored(app, s.id), before);
  await expectProblem(await send(app, 'PATCH', '/v1/sessions/0193a0b2-7c1e-7d7a-9f6e-000000000000', { outputLines: 1 }), 404, 'NOT_FOUND');
  await expectProblem(await send(app, 'PATCH', '/v1/sessions/123', { outputLines: 1 }), 400, 'VALIDATION_FAILED');
  await expectProblem(await send(app, 'GET', '/v1/sessions/0193a0b2-7c1e-7d7a-9f6e-000000000000', undefined, app.keys.read), 404, 'NOT_FOUND');
  await expectProblem(await send(app, 'GET', '/v1/sessions/nope', undefined, app.keys.read), 400, 'VALIDATION_FAILED');
});

test('GET list: newest first, every filter, from inclusive / to exclusive; unknown profile → empty; bad query → 400', async (t) => {
  const app = await build(t);
  await withProfile(app, 'a');
  const mk = (i: number, type: string, extra: object = {}) => createSession(app, { type, startedAt: T0 + i * 1000, ...extra });
  const s0 = await mk(0, 'test', { profile: 'a', project: 'web' });
  const s1 = await mk(1, 'lint', { project: 'web' });
  const s2 = await mk(2, 'test', { profile: 'a' });
  const s3 = await mk(3, 'agent');
  await send(app, 'PATCH', `/v1/sessions/${s2.id}`, { status: 'failed' });
  const ids = async (q: string) => (await send(app, 'GET', `/v1/sessions${q}`, undefined, app.keys.read)).json().items.map((s: { id: string }) => s.id);
  assert.deepEqual(await ids(''), [s3.id, s2.id, s1.id, s0.id]);
  assert.deepEqual(await ids('?type=test'), [s2.id, s0.id]);
  assert.deepEqual(await ids('?status=failed'), [s2.id]);
  assert.deepEqual(await ids('?status=active&profile=a'), [s0.id]);
  assert.deepEqual(await ids('?profile=1'), [s2.id, s0.id]);
  assert.deepEqual(await ids('?project=web'), [s1.id, s0.id]);
  assert.deepEqual(await ids(`?from=${at(T0 + 1000)}&to=${T0 + 3000}`), [s2.id, s1.id]);
  assert.deepEqual(await ids('?profile=zzz'), []);
  assert.deepEqual(await ids('?profile=99'), []);
  for (const q of ['?type=deploy', '?status=done', '?limit=0', '?limit=501', '?cursor=abc', '?from=yesterday', '?x=1']) {
    await expectProblem(await send(app, 'GET', `/v1/sessions${q}`, undefined, app.keys.read), 400, 'VALIDATION_FAILED');
  }
});

test('DELETE (admin) → 204 with its tool calls, events and feature usage; then 404', async (t) => {
  const app = await build(t);
  const s = await createSession(app);
  const keep = await createSession(app);
  const sql = app.sqlite.db.$client;
  for (const sid of [s.id, keep.id]) {
    sql.prepare("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (lower(hex(randomblob(16))), ?, 'Read', 1, 'success', ?)").run(sid, Date.now());
    sql.prepare("insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, created_at) values (lower(hex(randomblob(16))), ?, 'x', 1, 1, 0, ?)").run(sid, Date.now());
    sql.prepare("insert into feature_usage (id, session_id, feature_name, feature_category, started_at) values (lower(hex(randomblob(16))), ?, 'f', 'c', ?)").run(sid, Date.now());
  }
  assert.equal((await send(app, 'DELETE', `/v1/sessions/${s.id.toUpperCase()}`, undefined, app.keys.admin)).statusCode, 204);
  assert.equal(stored(app, s.id), undefined);
  assert.equal(count(app, 'tool_calls') + count(app, 'productivity_events') + count(app, 'feature_usage'), 3);
  await expectProblem(await send(app, 'DELETE', `/v1/sessions/${s.id}`, undefined, app.keys.admin), 404, 'NOT_FOUND');
  await expectProblem(await send(app, 'DELETE', '/v1/sessions/xyz', undefined, app.keys.admin), 400, 'VALIDATION_FAILED');
});

test('agent sessions named by telemetry are created with the calls: profile by name or id, an unknown profile left out, an existing session untouched', async (t) => {
  const app = await build(t);
  const pid = await withProfile(app);
  const existing = await createSession(app);
  const ghost = '0193a0b2-7c1e-7d7a-9f6e-000000000001';
  const byId = '0193a0b2-7c1e-7d7a-9f6e-000000000002';
  const seeds = [
    { id: ID, project: 'p', profile: { name: 'node-dev' }, startedAt: T0 },
    { id: existing.id, project: null, profile: null, startedAt: T0 },
    { id: ghost, project: null, profile: { name: 'ghost' }, startedAt: T0 },
    { id: byId, project: null, profile: { id: pid }, startedAt: T0 },
  ];
  const call = (sessionId: string) => ({ sessionId, toolName: 'Read', durationMs: 1, status: 'success' as const, errorType: null, timestamp: T0 });
  const result = await app.store.toolCalls.append(seeds.map((s) => call(s.id)), { allOrNothing: true, agentSessions: seeds });
  assert.deepEqual(result, { accepted: 4, duplicates: 0, unknownSessions: [] });
  const s = (await send(app, 'GET', `/v1/sessions/${ID}`, undefined, app.keys.read)).json();
  assert.deepEqual([s.type, s.status, s.project, s.profileId, s.startedAt, s.toolCallCount], ['agent', 'active', 'p', pid, at(T0), 1]);
  assert.equal(stored(app, ghost)!.profile_id, null);
  assert.equal(stored(app, byId)!.profile_id, pid);
  assert.equal(stored(app, existing.id)!.type, 'test');
});
