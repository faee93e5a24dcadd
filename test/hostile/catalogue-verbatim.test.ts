/**
 * Hostile input that is valid: SQL-injection and other awkward strings are data. They must be
 * stored and read back verbatim (and work as exact-match filters), and duplicate ids in a
 * batch are counted, not errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auth, build, createSession, type TestApp } from '../helper.js';
import { counts, snapshot } from './harness.js';

const NASTY = [
  "'; DROP TABLE tool_calls; --",
  "Robert'); DROP TABLE sessions; --",
  '" OR "1"="1',
  "1' UNION SELECT key_hash FROM api_keys --",
  '%_%\\%',
  '\\\\server\\share\\..\\..\\x',
  '${process.exit(1)} {{7*7}} %s%n',
  '<script>alert(1)</script>',
  '=HYPERLINK("http://x")',
  'Ω≈ç√ 😀 \u202Eevil \u0301\uFEFF',
];

async function get<T>(app: TestApp, url: string, key = app.keys.read): Promise<T> {
  const res = await app.inject({ method: 'GET', url, headers: auth(key) });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json() as T;
}

async function post(app: TestApp, url: string, payload: unknown, key: string, status: number) {
  const res = await app.inject({ method: 'POST', url, headers: auth(key), payload: payload as object });
  assert.equal(res.statusCode, status, `${url}: ${res.body}`);
  return res.json() as Record<string, unknown>;
}

test('SQL-injection and other awkward strings are stored and read back verbatim', async (t) => {
  const app = await build(t);
  const q = encodeURIComponent;
  for (const [i, s] of NASTY.entries()) {
    await t.test(JSON.stringify(s), async () => {
      const session = await createSession(app, { type: 'test', project: s });
      assert.equal((await get<{ project: string }>(app, `/v1/sessions/${session.id}`)).project, s);
      const byProject = await get<{ items: Array<{ id: string }> }>(app, `/v1/sessions?project=${q(s)}`);
      assert.deepEqual(byProject.items.map((x) => x.id), [session.id]);

      await post(app, '/v1/tool-calls', { sessionId: session.id, toolName: s, durationMs: i, status: 'error', errorType: s }, app.keys.ingest, 200);
      const calls = await get<{ items: Array<{ toolName: string; errorType: string }> }>(app, `/v1/tool-calls?tool=${q(s)}`);
      assert.deepEqual(calls.items.map((c) => [c.toolName, c.errorType]), [[s, s]]);
      const exported = await app.inject({ method: 'GET', url: `/v1/tool-calls/export?session=${session.id}`, headers: auth(app.keys.read) });
      assert.equal((JSON.parse(exported.body.trim()) as { toolName: string }).toolName, s);

      await post(app, '/v1/productivity-events', { sessionId: session.id, eventType: s, traditionalTimeEstimate: 2, actualTimeTaken: 1, contextData: { [s]: s, nested: [s] } }, app.keys.ingest, 200);
      const events = await get<{ items: Array<{ eventType: string; contextData: unknown }> }>(app, `/v1/productivity-events?eventType=${q(s)}`);
      assert.deepEqual(events.items.map((e) => [e.eventType, e.contextData]), [[s, { [s]: s, nested: [s] }]]);

      await post(app, '/v1/feature-usage', { sessionId: session.id, featureName: s, featureCategory: s, errorMessage: s, success: false }, app.keys.ingest, 200);
      const usage = await get<{ items: Array<Record<string, unknown>> }>(app, `/v1/feature-usage?feature=${q(s)}`);
      assert.deepEqual(usage.items.map((u) => [u.featureName, u.featureCategory, u.errorMessage]), [[s, s, s]]);

      const profile = await post(app, '/v1/profiles', { name: `nasty-${i}`, description: s }, app.keys.admin, 201);
      assert.equal((await get<{ description: string }>(app, `/v1/profiles/nasty-${i}`)).description, s);
      const key = await post(app, '/v1/api-keys', { name: s, role: 'read' }, app.keys.admin, 201);
      const keys = await get<{ items: Array<{ id: string; name: string }> }>(app, '/v1/api-keys?limit=500', app.keys.admin);
      assert.equal(keys.items.find((k) => k.id === key.id)?.name, s);
      assert.ok(profile.id);
    });
  }
  // The tables the strings name are all still there, with every row.
  const c = counts(snapshot(app));
  assert.equal(c.tool_calls, NASTY.length);
  assert.equal(c.sessions, NASTY.length);
  assert.equal(c.productivity_events, NASTY.length);
  assert.equal(c.feature_usage, NASTY.length);
});

test('duplicate ids in a batch are counted as duplicates, stored once, on every batch route', async (t) => {
  const app = await build(t);
  const session = await createSession(app, { type: 'agent' });
  const id = '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d';
  const other = '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8e';
  const items = {
    '/v1/tool-calls': { sessionId: session.id, toolName: 'Read', durationMs: 1, status: 'success' },
    '/v1/productivity-events': { sessionId: session.id, eventType: 'x', traditionalTimeEstimate: 2, actualTimeTaken: 1 },
    '/v1/feature-usage': { sessionId: session.id, featureName: 'f', featureCategory: 'c' },
  };
  for (const [url, item] of Object.entries(items)) {
    // The same id three times (once upper case) plus another id: 2 stored, 2 duplicates.
    const batch = { items: [{ ...item, id }, { ...item, id: id.toUpperCase() }, { ...item, id: other }, { ...item, id }] };
    assert.deepEqual(await post(app, url, batch, app.keys.ingest, 200), { accepted: 2, duplicates: 2, rejected: [] }, url);
    assert.deepEqual(await post(app, url, batch, app.keys.ingest, 200), { accepted: 0, duplicates: 4, rejected: [] }, `${url} re-sent`);
    const list = await get<{ items: Array<{ id: string }> }>(app, `${url}?session=${session.id}`);
    assert.deepEqual(list.items.map((x) => x.id).sort(), [id, other], url);
  }
  assert.equal((await get<{ toolCallCount: number }>(app, `/v1/sessions/${session.id}`)).toolCallCount, 2);
});
