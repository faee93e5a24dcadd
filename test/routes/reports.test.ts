import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auth, build, problemOf, type TestApp } from '../helper.js';
import {
  DAY,
  assertClose,
  expectedFeatures,
  expectedProductivity,
  expectedProfiles,
  expectedSessions,
  expectedToolSeries,
  expectedTools,
  seedDataset,
  type Dataset,
  type Scope,
} from './reports-fixture.js';

const NOW = Date.UTC(2026, 9, 15, 10, 17, 3, 250);
const START = NOW - 45 * DAY;

async function report(app: TestApp, path: string, query: Record<string, string | number> = {}) {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const res = await app.inject({ url: `/v1/reports/${path}${qs ? `?${qs}` : ''}`, headers: auth(app.keys.read) });
  assert.equal(res.statusCode, 200, `${path}?${qs}: ${res.body}`);
  return res.json() as { from: string; to: string; rows: unknown[]; totals?: unknown };
}

const utcDay = (t: number) => Math.floor(t / DAY) * DAY;
const utcHour = (t: number) => Math.floor(t / 3_600_000) * 3_600_000;

async function checkAll(app: TestApp, data: Dataset, scope: Scope, query: Record<string, string | number>) {
  assertClose((await report(app, 'sessions', query)).rows, expectedSessions(data, scope), 'sessions');
  assertClose((await report(app, 'tools', query)).rows, expectedTools(data, scope), 'tools');
  assertClose((await report(app, 'tools/timeseries', query)).rows, expectedToolSeries(data, scope, utcDay), 'tools/timeseries day');
  assertClose((await report(app, 'tools/timeseries', { ...query, interval: 'hour' })).rows, expectedToolSeries(data, scope, utcHour), 'tools/timeseries hour');
  const productivity = await report(app, 'productivity', query);
  const expected = expectedProductivity(data, scope, utcDay);
  assertClose(productivity.rows, expected.rows, 'productivity rows');
  assertClose(productivity.totals, expected.totals, 'productivity totals');
  assertClose((await report(app, 'features', query)).rows, expectedFeatures(data, scope), 'features');
  assertClose((await report(app, 'profiles', query)).rows, expectedProfiles(data, scope), 'profiles');
}

test('every report equals an independent computation over a random dataset', async (t) => {
  const app = await build(t, {}, { now: () => NOW });
  const data = seedDataset(app, { seed: 7, start: START, end: NOW });
  const from = START + 9 * DAY + 12_345;
  const to = NOW - 3 * DAY - 999;
  await checkAll(app, data, { from, to }, { from: new Date(from).toISOString(), to });
  const tools = await report(app, 'tools', { from, to });
  assert.equal(tools.from, new Date(from).toISOString());
  assert.equal(tools.to, new Date(to).toISOString());
});

test('the default range is the 30 days before now', async (t) => {
  const app = await build(t, {}, { now: () => NOW });
  const data = seedDataset(app, { seed: 11, start: START, end: NOW });
  const body = await report(app, 'tools');
  assert.equal(body.to, new Date(NOW).toISOString());
  assert.equal(body.from, new Date(NOW - 30 * DAY).toISOString());
  assertClose(body.rows, expectedTools(data, { from: NOW - 30 * DAY, to: NOW }));
  const onlyTo = await report(app, 'sessions', { to: NOW - DAY });
  assert.equal(onlyTo.from, new Date(NOW - 31 * DAY).toISOString());
  assertClose(onlyTo.rows, expectedSessions(data, { from: NOW - 31 * DAY, to: NOW - DAY }));
});

test('profile (by id or name), project and session narrow every report', async (t) => {
  const app = await build(t, {}, { now: () => NOW });
  const data = seedDataset(app, { seed: 23, start: START, end: NOW });
  const from = START;
  const to = NOW;
  const beta = data.profiles[1]!;
  await checkAll(app, data, { from, to, profileId: beta.id }, { from, to, profile: beta.name });
  await checkAll(app, data, { from, to, profileId: beta.id, project: 'web' }, { from, to, profile: String(beta.id), project: 'web' });
  const session = data.sessions[3]!;
  await checkAll(app, data, { from, to, session: session.id }, { from, to, session: session.id.toUpperCase() });
  const eventType = await report(app, 'productivity', { from, to, eventType: 'debugging' });
  assertClose(eventType.rows, expectedProductivity(data, { from, to, eventType: 'debugging' }, utcDay).rows);
  const tool = await report(app, 'tools', { from, to, tool: 'Bash' });
  assertClose(tool.rows, expectedTools(data, { from, to }).filter((r) => r.toolName === 'Bash'));
  const category = await report(app, 'features', { from, to, category: 'editing' });
  assertClose(category.rows, expectedFeatures(data, { from, to }).filter((r) => r.featureCategory === 'editing'));
});

test('an unknown profile gives empty reports; an empty range gives no rows and zero totals', async (t) => {
  const app = await build(t, {}, { now: () => NOW });
  seedDataset(app, { seed: 5, start: START, end: NOW, toolCalls: 100, events: 50, usages: 50 });
  for (const path of ['sessions', 'tools', 'tools/timeseries', 'productivity', 'features', 'profiles']) {
    assert.deepEqual((await report(app, path, { profile: 'nobody' })).rows, [], path);
    assert.deepEqual((await report(app, path, { from: NOW - DAY, to: NOW - DAY })).rows, [], path);
  }
  assert.deepEqual((await report(app, 'productivity', { profile: 'nobody' })).totals, { eventCount: 0, avgTimeSaved: null, avgImprovement: null, totalTimeSaved: 0 });
});

test('bad report input is a 400; reports need the read role', async (t) => {
  const app = await build(t, {}, { now: () => NOW });
  const bad: Array<[string, string]> = [
    ['tools/timeseries?tz=Mars/Olympus', '/tz'],
    ['productivity?tz=', '/tz'],
    ['productivity?groupBy=year', '/groupBy'],
    ['tools/timeseries?interval=minute', '/interval'],
    [`sessions?from=${NOW}&to=${NOW - 1}`, '/from'],
    ['tools?from=yesterday', '/from'],
    ['tools?format=xml', '/format'],
    ['tools?unknown=1', '/unknown'],
    ['profiles?session=not-a-uuid', '/session'],
    [`tools/timeseries?interval=hour&from=${Date.UTC(2001, 0, 1)}&to=${NOW}`, '/from'],
  ];
  for (const [url, path] of bad) {
    const res = await app.inject({ url: `/v1/reports/${url}`, headers: auth(app.keys.read) });
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    const p = problemOf(res);
    assert.equal(p.code, 'VALIDATION_FAILED', url);
    assert.ok(p.errors?.some((e) => e.path === path), `${url}: ${JSON.stringify(p.errors)}`);
  }
  const forbidden = await app.inject({ url: '/v1/reports/tools', headers: auth(app.keys.ingest) });
  assert.equal(forbidden.statusCode, 403);
  const admin = await app.inject({ url: '/v1/reports/tools', headers: auth(app.keys.admin) });
  assert.equal(admin.statusCode, 200);
});

test('every report query uses an index', async (t) => {
  const app = await build(t, {}, { now: () => NOW });
  seedDataset(app, { seed: 3, start: START, end: NOW, toolCalls: 200 });
  app.sqlite.db.$client.exec('analyze');
  const plans: string[] = [];
  const sqlite = app.sqlite.db.$client;
  const original = sqlite.prepare.bind(sqlite);
  // Records every report statement as the service prepares it.
  (sqlite as { prepare: (s: string) => unknown }).prepare = (s: string) => {
    if (/@(from|buckets)\b/.test(s)) plans.push(s);
    return original(s);
  };
  t.after(() => {
    (sqlite as { prepare: unknown }).prepare = original;
  });
  for (const path of ['sessions', 'tools', 'tools/timeseries', 'productivity', 'features', 'profiles']) await report(app, path);
  for (const path of ['tools', 'tools/timeseries', 'productivity', 'features']) await report(app, path, { profile: 'alpha', project: 'web' });
  assert.ok(plans.length >= 6);
  for (const s of plans) {
    const params = Object.fromEntries([...s.matchAll(/@(\w+)/g)].map(([, name]) => [name as string, name === 'buckets' ? '[]' : 1]));
    const plan = (original(`explain query plan ${s}`).all(params) as Array<{ detail: string }>).map((r) => r.detail);
    const scans = plan.filter((d) => /^SCAN (sessions|tool_calls|productivity_events|feature_usage|profiles|s|t|e|f|p)\b(?! USING)/.test(d));
    assert.deepEqual(scans, [], `full table scan in:\n${s}\n${plan.join('\n')}`);
  }
});

test('the SQL views give the same figures as the reports over all time', async (t) => {
  const app = await build(t, {}, { now: () => NOW });
  seedDataset(app, { seed: 99, start: START, end: NOW });
  const all = { from: START, to: NOW };
  const sql = (q: string) => app.sqlite.db.$client.prepare(q).all() as Array<Record<string, unknown>>;
  const sessionsView = sql('select * from session_stats order by type').map((r) => ({
    type: r.type, total: r.total, active: r.active, completed: r.completed, failed: r.failed, cancelled: r.cancelled,
    successRate: r.success_rate, avgDurationMinutes: r.avg_duration_minutes, p95DurationMinutes: r.p95_duration_minutes,
    errorCount: r.error_count, errorsPerSession: r.errors_per_session, outputLines: r.output_lines,
  }));
  assertClose(sessionsView, (await report(app, 'sessions', all)).rows, 'session_stats');
  const featuresView = sql('select * from feature_adoption order by usage_count desc, feature_category, feature_name').map((r) => ({
    featureCategory: r.feature_category, featureName: r.feature_name, usageCount: r.usage_count, uniqueSessions: r.unique_sessions,
    successRate: r.success_rate, avgDurationSeconds: r.avg_duration_seconds,
  }));
  assertClose(featuresView, (await report(app, 'features', all)).rows, 'feature_adoption');
  const productivityView = sql('select * from productivity_summary order by day, event_type').map((r) => ({
    period: `${String(r.day)}T00:00:00.000Z`, eventType: r.event_type, eventCount: r.event_count,
    avgTimeSaved: r.avg_time_saved, avgImprovement: r.avg_improvement, totalTimeSaved: r.total_time_saved,
  }));
  const byDay = await report(app, 'productivity', { from: Math.floor(START / DAY) * DAY, to: NOW });
  assertClose(productivityView, byDay.rows, 'productivity_summary');
});
