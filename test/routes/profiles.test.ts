import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auth, build, createSession, problemOf, type TestApp } from '../helper.js';

// Staged calls move into tool_calls between requests; settle() makes the table complete now.
const count = (app: TestApp, table: string) => (app.sqlite.settle(), app.sqlite.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

async function send(app: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, key = app.keys.admin) {
  return app.inject({ method, url, headers: auth(key), ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function expectProblem(res: Awaited<ReturnType<typeof send>>, status: number, code: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(problemOf(res).code, code);
}

test('POST creates a profile with defaults and a create audit entry by the key name', async (t) => {
  const app = await build(t);
  const res = await send(app, 'POST', '/v1/profiles', { name: 'node-dev' });
  assert.equal(res.statusCode, 201);
  const p = res.json();
  assert.deepEqual(Object.keys(p).sort(), ['config', 'createdAt', 'description', 'id', 'name', 'updatedAt']);
  assert.deepEqual(p.config, { enabled: true, autoSave: false, debugMode: false });
  assert.equal(p.description, null);
  assert.match(p.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.equal(p.updatedAt, p.createdAt);
  assert.deepEqual((await send(app, 'GET', `/v1/profiles/${p.id}`, undefined, app.keys.read)).json(), p);
  assert.deepEqual((await send(app, 'GET', '/v1/profiles/node-dev', undefined, app.keys.read)).json(), p);

  const audit = (await send(app, 'GET', '/v1/profiles/node-dev/audit', undefined, app.keys.read)).json();
  assert.equal(audit.items.length, 1);
  const [entry] = audit.items;
  assert.deepEqual(Object.keys(entry).sort(), ['action', 'actor', 'at', 'changes', 'id']);
  assert.equal(entry.action, 'create');
  assert.equal(entry.actor, 'env:DEVFLOW_ADMIN_KEY');
  assert.deepEqual(entry.changes.name, { from: null, to: 'node-dev' });
  assert.deepEqual(entry.changes['config.enabled'], { from: null, to: true });
});

test('names: 1–64 of [a-z0-9._-], first a letter or digit, not all digits; else 400 and nothing written', async (t) => {
  const app = await build(t);
  for (const name of ['', 'Node', '-a', '.a', '_a', '123', '0', 'a b', 'a/b', 'é', 'a'.repeat(65), 42, null]) {
    await expectProblem(await send(app, 'POST', '/v1/profiles', { name }), 400, 'VALIDATION_FAILED');
  }
  assert.equal(count(app, 'profiles'), 0);
  assert.equal(count(app, 'profile_audit'), 0);
  for (const name of ['a', '1a', '0-1', 'a.b_c-d', 'x'.repeat(64), '9.9']) {
    assert.equal((await send(app, 'POST', '/v1/profiles', { name })).statusCode, 201, name);
  }
});

test('unknown properties and wrong types are a 400, nothing written', async (t) => {
  const app = await build(t);
  for (const body of [{ name: 'a', extra: 1 }, { name: 'a', config: { enabled: true, color: 'red' } }, { name: 'a', config: { enabled: 'yes' } }, { name: 'a', enabled: true }, {}]) {
    await expectProblem(await send(app, 'POST', '/v1/profiles', body), 400, 'VALIDATION_FAILED');
  }
  assert.equal(count(app, 'profiles'), 0);
});

test('a taken name is a 409 PROFILE_NAME_TAKEN', async (t) => {
  const app = await build(t);
  await send(app, 'POST', '/v1/profiles', { name: 'dup' });
  await expectProblem(await send(app, 'POST', '/v1/profiles', { name: 'dup', description: 'again' }), 409, 'PROFILE_NAME_TAKEN');
  assert.equal(count(app, 'profiles'), 1);
  assert.equal(count(app, 'profile_audit'), 1);
});

test('roles: GET needs read, changes need admin; ingest can do neither; no key is a 401', async (t) => {
  const app = await build(t);
  await send(app, 'POST', '/v1/profiles', { name: 'p' });
  for (const key of [app.keys.read, app.keys.ingest]) {
    await expectProblem(await send(app, 'POST', '/v1/profiles', { name: 'q' }, key), 403, 'FORBIDDEN');
    await expectProblem(await send(app, 'PATCH', '/v1/profiles/p', { description: 'x' }, key), 403, 'FORBIDDEN');
    await expectProblem(await send(app, 'DELETE', '/v1/profiles/p', undefined, key), 403, 'FORBIDDEN');
  }
  await expectProblem(await send(app, 'GET', '/v1/profiles', undefined, app.keys.ingest), 403, 'FORBIDDEN');
  await expectProblem(await app.inject({ method: 'POST', url: '/v1/profiles', payload: { bad: true } }), 401, 'UNAUTHORIZED');
  assert.equal((await send(app, 'GET', '/v1/profiles/p/audit', undefined, app.keys.read)).statusCode, 200);
  assert.equal(count(app, 'profiles'), 1);
  assert.equal((await send(app, 'GET', '/v1/profiles/p')).json().description, null);
});

test('list: by name ascending, ?enabled filter, keyset pages; bad query is a 400', async (t) => {
  const app = await build(t);
  for (const [name, enabled] of [['c', true], ['a', false], ['b', true], ['d', false]] as const) {
    await send(app, 'POST', '/v1/profiles', { name, config: { enabled } });
  }
  const names = async (q: string) => (await send(app, 'GET', `/v1/profiles${q}`, undefined, app.keys.read)).json().items.map((p: { name: string }) => p.name);
  assert.deepEqual(await names(''), ['a', 'b', 'c', 'd']);
  assert.deepEqual(await names('?enabled=true'), ['b', 'c']);
  assert.deepEqual(await names('?enabled=false'), ['a', 'd']);
  const first = (await send(app, 'GET', '/v1/profiles?limit=3')).json();
  assert.equal(first.items.length, 3);
  const second = (await send(app, 'GET', `/v1/profiles?limit=3&cursor=${first.nextCursor}`)).json();
  assert.deepEqual(second.items.map((p: { name: string }) => p.name), ['d']);
  assert.equal(second.nextCursor, null);
  for (const q of ['?enabled=yes', '?limit=0', '?limit=501', '?cursor=!!', '?cursor=WzFd', '?color=red']) {
    await expectProblem(await send(app, 'GET', `/v1/profiles${q}`), 400, 'VALIDATION_FAILED');
  }
});

test('unknown profiles by id or name are 404 NOT_FOUND on GET, PATCH, DELETE and audit', async (t) => {
  const app = await build(t);
  for (const ref of ['42', 'nope', '99999999999999999999', 'UPPER']) {
    await expectProblem(await send(app, 'GET', `/v1/profiles/${ref}`), 404, 'NOT_FOUND');
    await expectProblem(await send(app, 'PATCH', `/v1/profiles/${ref}`, { description: 'x' }), 404, 'NOT_FOUND');
    await expectProblem(await send(app, 'DELETE', `/v1/profiles/${ref}`), 404, 'NOT_FOUND');
    await expectProblem(await send(app, 'GET', `/v1/profiles/${ref}/audit`), 404, 'NOT_FOUND');
  }
  assert.equal(count(app, 'profile_audit'), 0);
});

test('PATCH merges fields, bumps updatedAt and audits only what changed', async (t) => {
  const app = await build(t);
  const created = (await send(app, 'POST', '/v1/profiles', { name: 'p', config: { autoSave: true } })).json();
  const res = await send(app, 'PATCH', '/v1/profiles/p', { description: 'notes', config: { debugMode: true, autoSave: true } });
  assert.equal(res.statusCode, 200);
  const p = res.json();
  assert.deepEqual(p.config, { enabled: true, autoSave: true, debugMode: true });
  assert.equal(p.description, 'notes');
  assert.ok(Date.parse(p.updatedAt) > Date.parse(created.updatedAt));
  assert.equal(p.createdAt, created.createdAt);
  const [entry] = (await send(app, 'GET', '/v1/profiles/p/audit')).json().items;
  assert.equal(entry.action, 'update');
  assert.deepEqual(entry.changes, { description: { from: null, to: 'notes' }, 'config.debugMode': { from: false, to: true } });

  // A PATCH that changes nothing writes no audit entry and keeps updatedAt.
  const same = (await send(app, 'PATCH', `/v1/profiles/${p.id}`, { description: 'notes' })).json();
  assert.equal(same.updatedAt, p.updatedAt);
  assert.equal(count(app, 'profile_audit'), 2);

  const cleared = (await send(app, 'PATCH', '/v1/profiles/p', { description: null })).json();
  assert.equal(cleared.description, null);
});

test('PATCH rename: the new name resolves, a taken name is a 409 and changes nothing', async (t) => {
  const app = await build(t);
  const p = (await send(app, 'POST', '/v1/profiles', { name: 'old' })).json();
  await send(app, 'POST', '/v1/profiles', { name: 'taken' });
  await expectProblem(await send(app, 'PATCH', '/v1/profiles/old', { name: 'taken', description: 'x' }), 409, 'PROFILE_NAME_TAKEN');
  assert.equal((await send(app, 'GET', '/v1/profiles/old')).json().description, null);
  assert.equal(count(app, 'profile_audit'), 2);
  const renamed = (await send(app, 'PATCH', '/v1/profiles/old', { name: 'new' })).json();
  assert.equal(renamed.id, p.id);
  await expectProblem(await send(app, 'GET', '/v1/profiles/old'), 404, 'NOT_FOUND');
  assert.equal((await send(app, 'GET', '/v1/profiles/new')).json().id, p.id);
  const [entry] = (await send(app, 'GET', `/v1/profiles/${p.id}/audit`)).json().items;
  assert.deepEqual(entry.changes, { name: { from: 'old', to: 'new' } });
  assert.equal((await send(app, 'PATCH', '/v1/profiles/new', { name: 'new' })).statusCode, 200, 'renaming to its own name is fine');
});

test('PATCH: empty body, empty config, unknown or invalid fields are a 400 and change nothing', async (t) => {
  const app = await build(t);
  const p = (await send(app, 'POST', '/v1/profiles', { name: 'p' })).json();
  for (const body of [{}, { config: {} }, { extra: 1 }, { config: { verbose: true } }, { name: 'Bad Name' }, { description: 5 }, { config: { enabled: null } }]) {
    await expectProblem(await send(app, 'PATCH', '/v1/profiles/p', body), 400, 'VALIDATION_FAILED');
  }
  assert.deepEqual((await send(app, 'GET', '/v1/profiles/p')).json(), p);
  assert.equal(count(app, 'profile_audit'), 1);
});

test('DELETE: 204 and gone; the history (with the delete) stays readable by id and last name', async (t) => {
  const app = await build(t);
  const p = (await send(app, 'POST', '/v1/profiles', { name: 'gone', description: 'd' })).json();
  assert.equal((await send(app, 'DELETE', '/v1/profiles/gone')).statusCode, 204);
  await expectProblem(await send(app, 'GET', `/v1/profiles/${p.id}`), 404, 'NOT_FOUND');
  for (const ref of [String(p.id), 'gone']) {
    const items = (await send(app, 'GET', `/v1/profiles/${ref}/audit`, undefined, app.keys.read)).json().items;
    assert.deepEqual(items.map((e: { action: string }) => e.action), ['delete', 'create']);
    assert.deepEqual(items[0].changes.description, { from: 'd', to: null });
  }
  // Once another profile takes the name, the name means that profile.
  await send(app, 'POST', '/v1/profiles', { name: 'gone' });
  assert.deepEqual((await send(app, 'GET', '/v1/profiles/gone/audit')).json().items.map((e: { action: string }) => e.action), ['create']);
});

test('DELETE with sessions: 409 PROFILE_HAS_SESSIONS unless ?cascade=true, which removes everything under them', async (t) => {
  const app = await build(t);
  const p = (await send(app, 'POST', '/v1/profiles', { name: 'busy' })).json();
  const other = await createSession(app, { type: 'repl' });
  const mine = await createSession(app, { type: 'test', profile: 'busy' });
  const sql = app.sqlite.db.$client;
  sql.prepare("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (?, ?, 'Bash', 5, 'success', ?)").run('0193a0b2-0000-7000-8000-000000000001', mine.id, Date.now());
  sql.prepare("insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, created_at) values (?, ?, 'refactor', 60, 30, 30, ?)").run('0193a0b2-0000-7000-8000-000000000002', mine.id, Date.now());
  sql.prepare("insert into feature_usage (id, session_id, feature_name, feature_category, started_at) values (?, ?, 'watch', 'cli', ?)").run('0193a0b2-0000-7000-8000-000000000003', mine.id, Date.now());

  await expectProblem(await send(app, 'DELETE', '/v1/profiles/busy'), 409, 'PROFILE_HAS_SESSIONS');
  await expectProblem(await send(app, 'DELETE', '/v1/profiles/busy?cascade=false'), 409, 'PROFILE_HAS_SESSIONS');
  await expectProblem(await send(app, 'DELETE', '/v1/profiles/busy?cascade=maybe'), 400, 'VALIDATION_FAILED');
  assert.equal(count(app, 'sessions'), 2);
  assert.equal(count(app, 'tool_calls'), 1);
  assert.equal(count(app, 'profile_audit'), 1);

  assert.equal((await send(app, 'DELETE', `/v1/profiles/${p.id}?cascade=true`)).statusCode, 204);
  assert.equal(count(app, 'profiles'), 0);
  assert.deepEqual(sql.prepare('select id from sessions').all(), [{ id: other.id }]);
  assert.equal(count(app, 'tool_calls') + count(app, 'productivity_events') + count(app, 'feature_usage'), 0);
});

test('audit: newest first with keyset pages', async (t) => {
  const app = await build(t);
  await send(app, 'POST', '/v1/profiles', { name: 'p' });
  for (let i = 0; i < 4; i++) await send(app, 'PATCH', '/v1/profiles/p', { description: `v${i}` });
  const seen: number[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Array<{ id: number }>; nextCursor: string | null } = (await send(app, 'GET', `/v1/profiles/p/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
    seen.push(...page.items.map((e) => e.id));
    cursor = page.nextCursor;
  } while (cursor);
  assert.equal(seen.length, 5);
  assert.deepEqual(seen, [...seen].sort((a, b) => b - a));
  await expectProblem(await send(app, 'GET', '/v1/profiles/p/audit?cursor=WyJ4Il0'), 400, 'VALIDATION_FAILED');
});
