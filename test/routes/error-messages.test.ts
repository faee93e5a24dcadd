/**
 * Errors that say what to do: a 415 names the media types the route takes, a missing body says
 * to send JSON, and a value outside a closed set lists the set (every enum, body and query alike).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEV_SESSION_STATUSES as SESSION_STATUSES, DEV_SESSION_TYPES as SESSION_TYPES } from '../../src/db/row-types.js';
import { ROLES, TOOL_CALL_STATUSES, VACUUM_MODES } from '../../src/lib/vocabulary.js';
import { auth, build, createSession, problemOf } from '../helper.js';

test('a body without a Content-Type is a 415 naming application/json', async (t) => {
  const app = await build(t);
  // inject sets no Content-Type for a Buffer payload: curl --data-binary with the header removed.
  const res = await app.inject({ method: 'POST', url: '/v1/sessions', headers: auth(app.keys.ingest), payload: Buffer.from('{"type":"test"}') });
  assert.equal(res.statusCode, 415);
  const p = problemOf(res);
  assert.equal(p.code, 'UNSUPPORTED_MEDIA_TYPE');
  assert.match(p.detail, /no Content-Type/);
  assert.match(p.detail, /application\/json/);
});

test('an unsupported Content-Type is a 415 naming it and the route\'s media types', async (t) => {
  const app = await build(t);
  const headers = { ...auth(app.keys.admin), 'content-type': 'text/plain' };
  const profile = problemOf(await app.inject({ method: 'POST', url: '/v1/profiles', headers, payload: 'name=x' }));
  assert.equal(profile.status, 415);
  assert.match(profile.detail, /text\/plain/);
  assert.match(profile.detail, /send the body as application\/json$/);
  const form = { ...auth(app.keys.ingest), 'content-type': 'application/x-www-form-urlencoded' };
  const logs = problemOf(await app.inject({ method: 'POST', url: '/v1/logs', headers: form, payload: 'a=1' }));
  assert.equal(logs.status, 415);
  assert.match(logs.detail, /application\/json or application\/x-protobuf/);
  const run = problemOf(await app.inject({ method: 'POST', url: '/v1/retention/run', headers, payload: 'go' }));
  assert.equal(run.status, 415);
  assert.match(run.detail, /takes no body/);
});

test('a POST with no body where one is required is a 400 that says to send JSON', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: '/v1/profiles', headers: auth(app.keys.admin) });
  assert.equal(res.statusCode, 400);
  const p = problemOf(res);
  assert.equal(p.code, 'VALIDATION_FAILED');
  assert.match(p.detail, /no body.*Content-Type: application\/json/);
});

const listing = (values: readonly string[]) => `must be one of: ${values.join(', ')}`;

test('a value outside a closed set is a 400 listing the allowed values, in bodies, batch items and queries', async (t) => {
  const app = await build(t);
  const ingest = auth(app.keys.ingest);
  const type = problemOf(await app.inject({ method: 'POST', url: '/v1/sessions', headers: ingest, payload: { type: 'build' } }));
  assert.equal(type.status, 400);
  assert.equal(type.detail, `body/type ${listing(SESSION_TYPES)}`);
  assert.deepEqual(type.errors, [{ path: '/type', message: listing(SESSION_TYPES) }]);

  const role = problemOf(await app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(app.keys.admin), payload: { name: 'x', role: 'root' } }));
  assert.deepEqual(role.errors, [{ path: '/role', message: listing(ROLES) }]);

  const session = await createSession(app);
  const call = { sessionId: session.id, toolName: 'Read', durationMs: 1, status: 'ok' };
  const batch = problemOf(await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: ingest, payload: { items: [call] } }));
  assert.deepEqual(batch.errors, [{ path: '/items/0/status', message: listing(TOOL_CALL_STATUSES) }]);

  const query = problemOf(await app.inject({ method: 'GET', url: '/v1/sessions?status=done', headers: auth(app.keys.read) }));
  assert.equal(query.detail, `querystring/status ${listing(SESSION_STATUSES)}`);

  const policy = { toolCallsDays: 1, sessionsDays: 1, productivityEventsDays: 1, featureUsageDays: 1, staleSessionHours: 1, schedule: '0 3 * * *', vacuum: 'max' };
  const vacuum = problemOf(await app.inject({ method: 'PUT', url: '/v1/retention/policy', headers: auth(app.keys.admin), payload: policy }));
  assert.deepEqual(vacuum.errors, [{ path: '/vacuum', message: listing(VACUUM_MODES) }]);
});
