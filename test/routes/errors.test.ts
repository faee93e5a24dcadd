import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auth, build, problemOf } from '../helper.js';

test('validation errors are 400 problem+json with JSON-pointer paths', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(app.keys.admin), payload: { name: 'x', role: 'root', extra: 1 } });
  assert.equal(res.statusCode, 400);
  const p = problemOf(res);
  assert.equal(p.code, 'VALIDATION_FAILED');
  const paths = (p.errors ?? []).map((e) => e.path).sort();
  assert.deepEqual(paths, ['/extra', '/role']);
});

test('bodies are not coerced: "5" is not a number and null is not a string', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(app.keys.admin), payload: { name: ['x'], role: 'read' } });
  assert.equal(res.statusCode, 400);
  assert.equal(problemOf(res).errors?.[0]?.path, '/name');
});

test('invalid JSON is a 400 MALFORMED_JSON', async (t) => {
  const app = await build(t);
  const res = await app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: { ...auth(app.keys.admin), 'content-type': 'application/json' },
    payload: '{"name": ',
  });
  assert.equal(res.statusCode, 400);
  assert.equal(problemOf(res).code, 'MALFORMED_JSON');
});

test('a body that is not UTF-8 is a 400 MALFORMED_JSON, not stored with replacement characters', async (t) => {
  const app = await build(t);
  const payload = Buffer.concat([Buffer.from('{"name":"bad'), Buffer.from([0xc3]), Buffer.from('","role":"read"}')]);
  const res = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...auth(app.keys.admin), 'content-type': 'application/json' }, payload });
  assert.equal(res.statusCode, 400);
  assert.equal(problemOf(res).code, 'MALFORMED_JSON');
  assert.match(problemOf(res).detail, /UTF-8/);
  const list = await app.inject({ method: 'GET', url: '/v1/api-keys', headers: auth(app.keys.admin) });
  assert.equal(list.json().items.length, 2, 'nothing was written');
  const ok = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...auth(app.keys.admin), 'content-type': 'application/json' }, payload: Buffer.from('{"name":"café ✓","role":"read"}') });
  assert.equal(ok.statusCode, 201, 'multi-byte UTF-8 is fine');
  assert.equal(ok.json().name, 'café ✓');
});

test('__proto__ keys, lone surrogates and NUL characters are refused', async (t) => {
  const app = await build(t);
  for (const payload of ['{"__proto__":{"x":1},"name":"a","role":"read"}', '{"name":"\\ud800","role":"read"}', '{"name":"a\\u0000b","role":"read"}']) {
    const res = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...auth(app.keys.admin), 'content-type': 'application/json' }, payload });
    assert.equal(res.statusCode, 400, payload);
    problemOf(res);
  }
  const list = await app.inject({ method: 'GET', url: '/v1/api-keys', headers: auth(app.keys.admin) });
  assert.equal(list.json().items.length, 2, 'nothing was written');
});

test('a non-JSON media type is a 415', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...auth(app.keys.admin), 'content-type': 'text/plain' }, payload: 'name=x' });
  assert.equal(res.statusCode, 415);
  assert.equal(problemOf(res).code, 'UNSUPPORTED_MEDIA_TYPE');
});

test('a body over the limit is a 413', async (t) => {
  const app = await build(t, { bodyLimit: 2048 });
  const res = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(app.keys.admin), payload: { name: 'x'.repeat(4000), role: 'read' } });
  assert.equal(res.statusCode, 413);
  assert.equal(problemOf(res).code, 'PAYLOAD_TOO_LARGE');
});

test('unknown routes are a 404 problem (after the key check under /v1)', async (t) => {
  const app = await build(t);
  const keyless = await app.inject({ method: 'GET', url: '/v1/nope' });
  assert.equal(keyless.statusCode, 401);
  const res = await app.inject({ method: 'GET', url: '/v1/nope', headers: auth(app.keys.read) });
  assert.equal(res.statusCode, 404);
  assert.equal(problemOf(res).code, 'NOT_FOUND');
  const outside = await app.inject({ method: 'GET', url: '/nope' });
  assert.equal(outside.statusCode, 404);
  problemOf(outside);
});

test('health and readiness answer without a key', async (t) => {
  const app = await build(t);
  assert.deepEqual((await app.inject('/healthz')).json(), { status: 'ok' });
  assert.equal((await app.inject('/readyz')).statusCode, 200);
});

test('an empty JSON body is no body on a route that takes none, and a 400 where one is required', async (t) => {
  const app = await build(t);
  const headers = { ...auth(app.keys.admin), 'content-type': 'application/json' };
  const run = await app.inject({ method: 'POST', url: '/v1/retention/run?dryRun=true', headers, payload: '' });
  assert.equal(run.statusCode, 200, run.body);
  const create = await app.inject({ method: 'POST', url: '/v1/api-keys', headers, payload: '' });
  assert.equal(create.statusCode, 400);
  assert.equal(problemOf(create).code, 'MALFORMED_JSON');
});

test('a URL that fails before routing still has its key checked first under /v1: 401 without a valid key, 400 with one', async (t) => {
  const app = await build(t);
  const url = '/v1/sessions/%E0%A4%A';
  const keyless = await app.inject({ method: 'GET', url });
  assert.equal(keyless.statusCode, 401);
  assert.equal(problemOf(keyless).code, 'UNAUTHORIZED');
  assert.equal(keyless.headers['www-authenticate'], 'Bearer');
  const unknownKey = await app.inject({ method: 'GET', url, headers: auth('dfa_not_a_key') });
  assert.equal(unknownKey.statusCode, 401);
  const known = await app.inject({ method: 'GET', url, headers: auth(app.keys.read) });
  assert.equal(known.statusCode, 400);
  assert.equal(problemOf(known).code, 'BAD_REQUEST');
  const outside = await app.inject({ method: 'GET', url: '/healthz%E0%A4%A' });
  assert.notEqual(outside.statusCode, 401, 'public paths outside /v1 need no key');
});

test('an integer field given a literal that only rounds to an integer is a 400, and nothing is stored', async (t) => {
  const app = await build(t);
  const headers = { ...auth(app.keys.admin), 'content-type': 'application/json' };
  const created = await app.inject({ method: 'POST', url: '/v1/sessions', headers, payload: '{"type":"repl","startedAt":1795443930711.0000001}' });
  assert.equal(created.statusCode, 400);
  assert.equal(problemOf(created).code, 'VALIDATION_FAILED');
  const list = await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth(app.keys.admin) });
  assert.equal(list.json().items.length, 0, 'nothing was written');
  const whole = await app.inject({ method: 'POST', url: '/v1/sessions', headers, payload: '{"type":"repl","startedAt":1795443930711.0}' });
  assert.equal(whole.statusCode, 201, 'a whole literal written with a fraction is exact');
  assert.equal(whole.json().startedAt, new Date(1795443930711).toISOString());
});

test('while the server shuts down, a request that still arrives gets a 503 NOT_READY problem with Retry-After and writes nothing', async (t) => {
  const app = await build(t);
  const session = await app.inject({ method: 'POST', url: '/v1/sessions', headers: auth(app.keys.ingest), payload: { type: 'test' } });
  // What the lifecycle plugin's preClose hook does when app.close() begins (in-flight requests
  // then finish; requests on connections still open meet this).
  app.lifecycle.closing = true;
  t.after(() => {
    app.lifecycle.closing = false;
  });
  assert.deepEqual((await app.inject('/healthz')).json(), { status: 'ok' }, 'the process still runs');
  for (const req of [
    { method: 'GET' as const, url: '/readyz' },
    { method: 'GET' as const, url: '/v1/stats', headers: auth(app.keys.admin) },
    { method: 'POST' as const, url: '/v1/tool-calls', headers: auth(app.keys.ingest), payload: { sessionId: session.json().id, toolName: 'Read', durationMs: 1, status: 'success' } },
  ]) {
    const res = await app.inject(req);
    assert.equal(res.statusCode, 503, req.url);
    assert.equal(res.headers['retry-after'], '1');
    const p = problemOf(res);
    assert.equal(p.code, 'NOT_READY');
    assert.match(p.detail ?? '', /shutting down/);
  }
  app.lifecycle.closing = false;
  const stored = await app.inject({ method: 'GET', url: `/v1/tool-calls?session=${session.json().id}`, headers: auth(app.keys.admin) });
  assert.deepEqual(stored.json().items, [], 'the refused call was not stored');
});
