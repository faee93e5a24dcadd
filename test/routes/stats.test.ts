import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sessions } from '../../src/db/sqlite/schema/index.js';
import { auth, build, type TestApp } from '../helper.js';

function addSession(app: TestApp, startedAt: number): string {
  const id = randomUUID();
  app.sqlite.db.insert(sessions).values({ id, type: 'agent', startedAt, updatedAt: startedAt, lastActivityAt: startedAt }).run();
  return id;
}

const stats = async (app: TestApp) => {
  const res = await app.inject({ url: '/v1/stats', headers: auth(app.keys.read) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};

test('an empty database: zero rows, null newest times, zero counters, no retention run, no file path', async (t) => {
  const app = await build(t);
  const body = await stats(app);
  assert.deepEqual(body.tables, { profiles: 0, sessions: 0, toolCalls: 0, productivityEvents: 0, featureUsage: 0, apiKeys: 2, retentionRuns: 0 });
  assert.deepEqual(body.newest, { toolCall: null, session: null, productivityEvent: null, featureUsage: null });
  assert.deepEqual(body.ingest, { accepted: 0, duplicates: 0, rejected: 0, otlpRecords: {}, otlpMetricsRequests: 0 });
  assert.equal(body.lastRetentionRun, null);
  assert.deepEqual(Object.keys(body.database).sort(), ['databaseBytes', 'freePages', 'pageSize', 'walBytes']);
  assert.ok(body.database.databaseBytes > 0 && body.database.pageSize > 0 && body.database.walBytes >= 0);
  assert.ok(!JSON.stringify(body).includes(app.dir), 'the database path is not exposed');
  assert.equal((await app.inject({ url: '/v1/stats', headers: auth(app.keys.ingest) })).statusCode, 403);
  assert.equal((await app.inject({ url: '/v1/stats' })).statusCode, 401);
});

test('rows, newest times and ingest counters follow what was written', async (t) => {
  const app = await build(t);
  const base = Date.UTC(2026, 0, 1);
  const s1 = addSession(app, base);
  const s2 = addSession(app, base + 5000);
  const post = (url: string, payload: object, query = '') =>
    app.inject({ method: 'POST', url: `/v1/${url}${query}`, headers: auth(app.keys.ingest), payload });
  const dup = randomUUID();
  const events = await post('productivity-events', { items: [
    { id: dup, sessionId: s1, eventType: 'x', traditionalTimeEstimate: 10, actualTimeTaken: 5, createdAt: base + 100 },
    { id: dup, sessionId: s1, eventType: 'x', traditionalTimeEstimate: 10, actualTimeTaken: 5, createdAt: base + 100 },
    { sessionId: s2, eventType: 'x', traditionalTimeEstimate: 10, actualTimeTaken: 5, createdAt: base + 7000 },
    { sessionId: randomUUID(), eventType: 'x', traditionalTimeEstimate: 10, actualTimeTaken: 5 },
  ] }, '?partial=true');
  assert.deepEqual([events.json().accepted, events.json().duplicates, events.json().rejected.length], [2, 1, 1]);
  const usage = await post('feature-usage', { sessionId: s1, featureName: 'f', featureCategory: 'c', startedAt: base + 3000 });
  assert.equal(usage.json().accepted, 1);
  const calls = await post('tool-calls', { items: [
    { sessionId: s2, toolName: 'Bash', durationMs: 5, status: 'success', timestamp: base + 9000 },
    { sessionId: s1, toolName: 'Bash', durationMs: 5, status: 'error', timestamp: base + 8000 },
  ] });
  assert.equal(calls.statusCode, 200, calls.body);

  const body = await stats(app);
  assert.deepEqual(body.tables, { profiles: 0, sessions: 2, toolCalls: 2, productivityEvents: 2, featureUsage: 1, apiKeys: 2, retentionRuns: 0 });
  assert.deepEqual(body.newest, {
    toolCall: new Date(base + 9000).toISOString(),
    session: new Date(base + 5000).toISOString(),
    productivityEvent: new Date(base + 7000).toISOString(),
    featureUsage: new Date(base + 3000).toISOString(),
  });
  assert.deepEqual(body.ingest, { accepted: 5, duplicates: 1, rejected: 1, otlpRecords: {}, otlpMetricsRequests: 0 });
});

test('the last retention run is the newest run object', async (t) => {
  const app = await build(t);
  const run = await app.inject({ method: 'POST', url: '/v1/retention/run?dryRun=true', headers: auth(app.keys.admin) });
  assert.equal(run.statusCode, 200, run.body);
  const body = await stats(app);
  assert.equal(body.tables.retentionRuns, 1);
  assert.deepEqual(body.lastRetentionRun, run.json());
});
