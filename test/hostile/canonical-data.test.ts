/**
 * Canonical data: one stored form per value. UUIDs are accepted in any case and stored lower
 * case (urn:uuid: prefixes and braces are refused); lone surrogates are refused; -0 is stored
 * as 0; integers up to 2^53 − 1 round-trip exactly and 2^53 + 1 is refused, never rounded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auth, build, problemOf, type TestApp } from '../helper.js';
import { assertUnchanged, snapshot } from './harness.js';

const LOWER = '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d';
const UPPER = LOWER.toUpperCase();
const MIXED = '0193A0b2-7C1e-7D7a-9F6e-3C2b1A0f9E8d';
const MAX = Number.MAX_SAFE_INTEGER;

async function send(app: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key: string, payload?: string | object) {
  const headers = { ...auth(key), ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}) };
  return app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as string }) });
}

async function refused(app: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key: string, payload?: string | object) {
  const before = snapshot(app);
  const res = await send(app, method, url, key, payload);
  assert.equal(res.statusCode, 400, `${method} ${url} ${String(JSON.stringify(payload))}: ${res.body}`);
  assert.equal(problemOf(res).code, 'VALIDATION_FAILED');
  assertUnchanged(before, snapshot(app), `${method} ${url}`);
}

test('a UUID is stored lower case and found in any case', async (t) => {
  const app = await build(t);
  const { ingest, read, admin } = app.keys;
  const created = await send(app, 'POST', '/v1/sessions', ingest, { id: UPPER, type: 'agent' });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().id, LOWER);
  // The same id in another case is the same session: an idempotent retry, not a second row.
  const again = await send(app, 'POST', '/v1/sessions', ingest, { id: MIXED, type: 'agent', startedAt: created.json().startedAt });
  assert.equal(again.statusCode, 200, again.body);
  for (const id of [LOWER, UPPER, MIXED]) assert.equal((await send(app, 'GET', `/v1/sessions/${id}`, read)).json().id, LOWER, id);

  // Children posted with any case of the session id land on the one session.
  const call = { toolName: 'Read', durationMs: 1, status: 'success' };
  const tc = await send(app, 'POST', '/v1/tool-calls', ingest, { items: [{ ...call, sessionId: UPPER, id: UPPER }, { ...call, sessionId: MIXED, id: LOWER }] });
  assert.deepEqual(tc.json(), { accepted: 1, duplicates: 1, rejected: [] });
  assert.equal((await send(app, 'POST', '/v1/productivity-events', ingest, { sessionId: MIXED, eventType: 'x', traditionalTimeEstimate: 2, actualTimeTaken: 1 })).statusCode, 200);
  assert.equal((await send(app, 'POST', '/v1/feature-usage', ingest, { sessionId: UPPER, featureName: 'f', featureCategory: 'c' })).statusCode, 200);
  for (const [list, field] of [['tool-calls', 'sessionId'], ['productivity-events', 'sessionId'], ['feature-usage', 'sessionId']] as const) {
    for (const filter of [LOWER, UPPER]) {
      const items = (await send(app, 'GET', `/v1/${list}?session=${filter}`, read)).json().items as Array<Record<string, string>>;
      assert.deepEqual(items.map((i) => i[field]), [LOWER], `${list}?session=${filter}`);
    }
  }
  const toolCall = (await send(app, 'GET', '/v1/tool-calls', read)).json().items[0];
  assert.equal(toolCall.id, LOWER);
  assert.equal((await send(app, 'GET', `/v1/sessions/${UPPER}`, read)).json().toolCallCount, 1);

  // Every stored id is lower case, whatever case it came in (staged calls moved first, as readers do).
  app.sqlite.settle();
  const sqlite = app.sqlite.db.$client;
  for (const [table, column] of [['sessions', 'id'], ['tool_calls', 'id'], ['tool_calls', 'session_id'], ['productivity_events', 'session_id'], ['feature_usage', 'session_id']]) {
    const odd = sqlite.prepare(`SELECT ${column} FROM ${table} WHERE ${column} != lower(${column})`).all();
    assert.deepEqual(odd, [], `${table}.${column}`);
  }

  // PATCH and DELETE by an upper-case id reach the same row.
  const patched = await send(app, 'PATCH', `/v1/sessions/${MIXED}`, ingest, { outputLines: 7 });
  assert.equal(patched.json().outputLines, 7);
  const key = (await send(app, 'POST', '/v1/api-keys', admin, { name: 'case', role: 'read' })).json();
  assert.equal((await send(app, 'DELETE', `/v1/api-keys/${String(key.id).toUpperCase()}`, admin)).statusCode, 204);
  assert.equal((await send(app, 'GET', '/v1/tool-calls', key.key)).statusCode, 401, 'the deleted key is revoked');
  assert.equal((await send(app, 'DELETE', `/v1/sessions/${UPPER}`, admin)).statusCode, 204);
  assert.equal((await send(app, 'GET', `/v1/sessions/${LOWER}`, read)).statusCode, 404);
});

test('urn:uuid: prefixes, braces and other UUID spellings are refused with 400', async (t) => {
  const app = await build(t);
  const { ingest, read, admin } = app.keys;
  const session = (await send(app, 'POST', '/v1/sessions', ingest, { id: LOWER, type: 'test' })).json();
  assert.equal(session.id, LOWER);
  const spellings = [`urn:uuid:${LOWER}`, `URN:UUID:${UPPER}`, `{${LOWER}}`, LOWER.replaceAll('-', ''), ` ${LOWER}`, `${LOWER}\n`, `(${LOWER})`];
  for (const id of spellings) {
    await refused(app, 'POST', '/v1/sessions', ingest, { id, type: 'test' });
    await refused(app, 'POST', '/v1/tool-calls', ingest, { sessionId: id, toolName: 'Read', durationMs: 1, status: 'success' });
    await refused(app, 'POST', '/v1/tool-calls', ingest, { id, sessionId: LOWER, toolName: 'Read', durationMs: 1, status: 'success' });
    await refused(app, 'POST', '/v1/feature-usage', ingest, { sessionId: id, featureName: 'f', featureCategory: 'c' });
    const path = encodeURIComponent(id);
    await refused(app, 'GET', `/v1/sessions/${path}`, read);
    await refused(app, 'PATCH', `/v1/sessions/${path}`, ingest, { outputLines: 1 });
    await refused(app, 'DELETE', `/v1/sessions/${path}`, admin);
    await refused(app, 'GET', `/v1/tool-calls?session=${path}`, read);
  }
});

test('strings with lone surrogates are refused; well-formed astral characters round-trip', async (t) => {
  const app = await build(t);
  const { ingest, read } = app.keys;
  const session = (await send(app, 'POST', '/v1/sessions', ingest, { type: 'test' })).json();
  for (const bad of ['\\ud800', '\\udfff', 'a\\ud83d', '\\ude00b', '\\udc00\\ud800']) {
    await refused(app, 'POST', '/v1/tool-calls', ingest, `{"sessionId":"${session.id}","toolName":"${bad}","durationMs":1,"status":"success"}`);
    await refused(app, 'PATCH', `/v1/sessions/${session.id}`, ingest, `{"outputLines":1,"${bad}":1}`);
  }
  const good = '😀 \ud83d\ude00 𝄞';
  assert.equal((await send(app, 'POST', '/v1/tool-calls', ingest, { sessionId: session.id, toolName: good, durationMs: 1, status: 'success' })).statusCode, 200);
  assert.equal((await send(app, 'GET', `/v1/tool-calls?session=${session.id}`, read)).json().items[0].toolName, good);
  app.sqlite.settle();
  const replaced = app.sqlite.db.$client.prepare("SELECT count(*) FROM tool_calls WHERE instr(tool_name, char(65533)) > 0").pluck().get();
  assert.equal(replaced, 0, 'no U+FFFD was stored');
});

test('-0 is stored as 0; 2^53 − 1 round-trips exactly; 2^53 + 1 is refused, never rounded', async (t) => {
  const app = await build(t);
  const { ingest, read } = app.keys;
  const sqlite = app.sqlite.db.$client;
  const session = (await send(app, 'POST', '/v1/sessions', ingest, { type: 'test' })).json();
  const call = (durationMs: string, id: string) => `{"id":"${id}","sessionId":"${session.id}","toolName":"Read","durationMs":${durationMs},"status":"success"}`;

  // Decision: -0 equals 0 (JSON has no way to tell them apart on output), so it is stored as integer 0.
  const ids = ['00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000003'];
  for (const [raw, id] of [['-0', ids[0]], ['-0.0', ids[1]], [String(MAX), ids[2]]] as const) {
    const res = await send(app, 'POST', '/v1/tool-calls', ingest, call(raw, id as string));
    assert.equal(res.statusCode, 200, `${raw}: ${res.body}`);
  }
  app.sqlite.settle();
  const stored = sqlite.prepare('SELECT id, duration_ms AS d, typeof(duration_ms) AS t FROM tool_calls ORDER BY id').all() as Array<{ id: string; d: number; t: string }>;
  assert.deepEqual(stored.map((r) => [r.t, Object.is(r.d, -0) ? '-0' : r.d]), [['integer', 0], ['integer', 0], ['integer', MAX]]);
  const listed = await send(app, 'GET', `/v1/tool-calls?session=${session.id}`, read);
  assert.match(listed.body, new RegExp(`"durationMs":${MAX}[,}]`), '2^53 − 1 read back digit for digit');
  assert.doesNotMatch(listed.body, /"durationMs":-0/);

  for (const raw of ['9007199254740992', '9007199254740993', '18014398509481984', '1e16', '-9007199254740993']) {
    await refused(app, 'POST', '/v1/tool-calls', ingest, call(raw, '00000000-0000-7000-8000-0000000000ff'));
    await refused(app, 'PATCH', `/v1/sessions/${session.id}`, ingest, `{"exitCode":${raw}}`);
    await refused(app, 'PATCH', `/v1/sessions/${session.id}`, ingest, `{"outputLines":${raw}}`);
    await refused(app, 'POST', '/v1/productivity-events', ingest, `{"sessionId":"${session.id}","eventType":"x","traditionalTimeEstimate":${raw},"actualTimeTaken":1}`);
  }

  // The largest safe values in every integer field round-trip exactly.
  const patched = await send(app, 'PATCH', `/v1/sessions/${session.id}`, ingest, `{"exitCode":-${MAX},"outputLines":${MAX},"errorCount":${MAX}}`);
  assert.equal(patched.statusCode, 200, patched.body);
  const back = (await send(app, 'GET', `/v1/sessions/${session.id}`, read)).json();
  assert.deepEqual([back.exitCode, back.outputLines, back.errorCount], [-MAX, MAX, MAX]);
  const ev = await send(app, 'POST', '/v1/productivity-events', ingest, `{"sessionId":"${session.id}","eventType":"big","traditionalTimeEstimate":${MAX},"actualTimeTaken":-0}`);
  assert.equal(ev.statusCode, 200, ev.body);
  const event = (await send(app, 'GET', `/v1/productivity-events?session=${session.id}`, read)).json().items[0];
  assert.deepEqual([event.traditionalTimeEstimate, event.actualTimeTaken, event.timeSaved, event.improvementPercentage], [MAX, 0, MAX, 100]);
  assert.ok(!Object.is(event.actualTimeTaken, -0));
});
