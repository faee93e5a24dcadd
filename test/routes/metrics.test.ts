import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { prometheusContentType } from 'prom-client';
import { ConfigError, loadConfig } from '../../src/config.js';
import { auth, build, createSession, problemOf, type TestApp } from '../helper.js';
import { parsePrometheusText, valueOf, type Family } from '../support/prometheus-text.js';
import { DAY, seedSession } from '../services/retention-seed.js';

const json = { 'content-type': 'application/json' };

async function scrape(app: TestApp, key = app.keys.read): Promise<Map<string, Family>> {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: auth(key) });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['content-type'], prometheusContentType);
  return parsePrometheusText(res.body);
}

const post = (app: TestApp, url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: { ...auth(app.keys.ingest), ...json }, payload: JSON.stringify(payload) });

test('the test parser refuses what a scraper would: samples without HELP/TYPE, bad escapes, non-cumulative buckets, negative counters', () => {
  const ok = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="q\\"uote\\\\d\\nnl"} 3\n';
  assert.deepEqual(valueOf(parsePrometheusText(ok), 'a_total', { x: 'q"uote\\d\nnl' }), 3);
  const bad = [
    'a 1\n',
    '# TYPE a gauge\na 1\n',
    '# HELP a A.\n# TYPE a gauge\na{x="\\t"} 1\n',
    '# HELP a A.\n# TYPE a gauge\na{x="1"} one\n',
    '# HELP a A.\n# TYPE a gauge\na 1\na 2\n',
    '# HELP a A.\n# TYPE a counter\na -1\n',
    '# HELP a A.\n# TYPE a gauge\na 1',
    '# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
    '# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n',
  ];
  for (const text of bad) assert.throws(() => parsePrometheusText(text), Error, JSON.stringify(text));
});

test('off by default: GET /metrics is a 404 problem like any unknown route, key or not, and DEVFLOW_METRICS takes only booleans', async (t) => {
  const app = await build(t);
  for (const headers of [{}, auth(app.keys.read), auth(app.keys.admin)]) {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers });
    assert.equal(res.statusCode, 404);
    assert.equal(problemOf(res).code, 'NOT_FOUND');
    const unknown = await app.inject({ method: 'GET', url: '/metricz', headers });
    assert.deepEqual([unknown.statusCode, unknown.headers['content-type']], [404, res.headers['content-type']]);
  }
  assert.equal(loadConfig({ DEVFLOW_METRICS: 'true' }).metrics, true);
  assert.throws(() => loadConfig({ DEVFLOW_METRICS: 'yes' }), (err: unknown) => err instanceof ConfigError && err.variable === 'DEVFLOW_METRICS');
});

test('on: a key with the read role is needed (none 401, ingest 403, read and admin 200); the OpenAPI document does not change', async (t) => {
  const app = await build(t, { metrics: true });
  const none = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(none.statusCode, 401);
  assert.equal(none.headers['www-authenticate'], 'Bearer');
  assert.equal(problemOf(none).code, 'UNAUTHORIZED');
  assert.equal((await app.inject({ method: 'HEAD', url: '/metrics' })).statusCode, 401, 'HEAD too');
  const ingest = await app.inject({ method: 'GET', url: '/metrics', headers: auth(app.keys.ingest) });
  assert.equal(ingest.statusCode, 403);
  assert.equal(problemOf(ingest).code, 'FORBIDDEN');
  for (const key of [app.keys.read, app.keys.admin]) {
    const families = await scrape(app, key);
    assert.ok(families.has('devflow_http_request_duration_seconds'));
  }
  const off = await build(t);
  const documentOf = async (a: TestApp) => (await a.inject('/openapi.json')).json() as { paths: Record<string, unknown> };
  const doc = await documentOf(app);
  assert.equal(doc.paths['/metrics'], undefined);
  assert.deepEqual(doc, await documentOf(off), 'the same document with metrics on and off');
});

test('every family has HELP and TYPE, every name has the devflow_ prefix, counters end in _total; process metrics are there', async (t) => {
  const app = await build(t, { metrics: true });
  const families = await scrape(app);
  for (const family of families.values()) {
    assert.ok(family.name.startsWith('devflow_'), family.name);
    assert.ok(family.help.length > 0, family.name);
    if (family.type === 'counter') assert.match(family.name, /_total$/);
  }
  for (const name of [
    'devflow_http_request_duration_seconds',
    'devflow_ingest_items_total',
    'devflow_otlp_log_records_total',
    'devflow_otlp_metrics_requests_total',
    'devflow_group_commits_total',
    'devflow_group_commit_rows',
    'devflow_group_commit_duration_seconds',
    'devflow_write_queue_writes',
    'devflow_write_queue_rows',
    'devflow_staged_tool_calls',
    'devflow_rollups_built',
    'devflow_rollup_pending_batches',
    'devflow_rollup_lag_seconds',
    'devflow_database_size_bytes',
    'devflow_database_wal_size_bytes',
    'devflow_database_free_bytes',
    'devflow_retention_runs_total',
    'devflow_retention_deleted_rows_total',
    'devflow_retention_stale_sessions_closed_total',
    'devflow_process_cpu_seconds_total',
    'devflow_process_resident_memory_bytes',
    'devflow_nodejs_eventloop_lag_seconds',
    'devflow_nodejs_heap_size_used_bytes',
  ]) {
    assert.ok(families.has(name), `no ${name}`);
  }
  assert.ok(valueOf(families, 'devflow_database_size_bytes') > 0);
});

type Value = { stringValue?: string; intValue?: number; boolValue?: boolean };
const s = (v: string): Value => ({ stringValue: v });
const attrs = (o: Record<string, Value>) => Object.entries(o).map(([key, value]) => ({ key, value }));

/** Strings a client chose: none may show up anywhere in the exposition. */
const SECRETS = {
  profile: 'secretprofilep7',
  project: 'secretprojectx9',
  tool: 'SecretToolQ1',
  mcpTool: 'SecretMcpToolM4',
  otlpSession: 'secretotlpsessions3',
  event: 'secret_event_z',
  eventType: 'secreteventtypee5',
  feature: 'secretfeaturef6',
};

/** Claude Code-shaped records: 2 usable tool results, 1 without tool_name, a prompt, a hostile, a __proto__ and an unknown event name. */
function otlpRequest() {
  const result = (id: string, tool?: string) => ({
    body: s('claude_code.tool_result'),
    attributes: attrs({ 'session.id': s(SECRETS.otlpSession), tool_use_id: s(id), success: { boolValue: true }, duration_ms: { intValue: 7 }, ...(tool ? { tool_name: s(tool) } : {}) }),
  });
  const named = (body: string) => ({ body: s(body), attributes: attrs({ 'session.id': s(SECRETS.otlpSession) }) });
  return {
    resourceLogs: [
      {
        resource: { attributes: attrs({ 'devflow.project': s(SECRETS.project), 'devflow.profile': s(SECRETS.profile) }) },
        scopeLogs: [
          {
            logRecords: [
              result('toolu_metrics_1', SECRETS.tool),
              result('toolu_metrics_2', SECRETS.mcpTool),
              result('toolu_metrics_3'),
              named('claude_code.user_prompt'),
              named('evil"name\n{}'),
              named('__proto__'),
              { ...named('ignored'), eventName: `claude_code.${SECRETS.event}` },
            ],
          },
        ],
      },
    ],
  };
}

/** Posts one known mix of every kind from every source; returns the counts it must produce. */
async function ingestEverything(app: TestApp) {
  const made = await app.inject({ method: 'POST', url: '/v1/profiles', headers: { ...auth(app.keys.admin), ...json }, payload: JSON.stringify({ name: SECRETS.profile }) });
  assert.equal(made.statusCode, 201, made.body);
  const session = await createSession(app, { type: 'test', profile: SECRETS.profile, project: SECRETS.project });
  const call = (over: Record<string, unknown> = {}) => ({ sessionId: session.id, toolName: SECRETS.tool, durationMs: 5, status: 'success', ...over });
  const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const results = [
    await post(app, '/v1/tool-calls', { items: [call({ id: a }), call({ id: b }), call({ id: c })] }),
    await post(app, '/v1/tool-calls', { items: [call({ id: a }), call({ id: d }), call({ id: d })] }),
    await post(app, '/v1/tool-calls?partial=true', { items: [call(), call({ durationMs: -1 }), call({ sessionId: randomUUID() })] }),
  ].map((r) => r.json() as { accepted: number; duplicates: number; rejected: unknown[] });
  assert.deepEqual(results.map((r) => [r.accepted, r.duplicates, r.rejected.length]), [[3, 0, 0], [1, 2, 0], [1, 0, 2]]);

  const event = (over: Record<string, unknown> = {}) => ({ sessionId: session.id, eventType: SECRETS.eventType, traditionalTimeEstimate: 60, actualTimeTaken: 30, ...over });
  const e = randomUUID();
  assert.equal((await post(app, '/v1/productivity-events', { items: [event({ id: e }), event()] })).json().accepted, 2);
  assert.equal((await post(app, '/v1/productivity-events', event({ id: e }))).json().duplicates, 1);
  assert.equal((await post(app, '/v1/productivity-events?partial=true', { items: [event({ sessionId: randomUUID() })] })).json().rejected.length, 1);

  const usage = { sessionId: session.id, featureName: SECRETS.feature, featureCategory: SECRETS.feature };
  const used = await post(app, '/v1/feature-usage?partial=true', { items: [usage, { ...usage, featureName: '' }] });
  assert.deepEqual([used.json().accepted, used.json().rejected.length], [1, 1]);

  for (let i = 0; i < 2; i++) {
    const logs = await post(app, '/v1/logs', otlpRequest());
    assert.equal(logs.statusCode, 200, logs.body);
    assert.equal(logs.json().partialSuccess?.rejectedLogRecords, '1');
  }
  assert.equal((await post(app, '/v1/metrics', { resourceMetrics: [] })).statusCode, 200);
  return { session };
}

test('ingest counters match what was posted, by kind, source and outcome; OTLP records by allow-listed event; nothing a client chose appears', async (t) => {
  const app = await build(t, { metrics: true });
  const { session } = await ingestEverything(app);
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: auth(app.keys.read) });
  const families = parsePrometheusText(res.body);
  const items = (kind: string, source: string, outcome: string) => valueOf(families, 'devflow_ingest_items_total', { kind, source, outcome });
  const expected: Array<[string, string, number, number, number]> = [
    ['tool_calls', 'api', 5, 2, 2],
    ['tool_calls', 'otlp', 2, 2, 2],
    ['productivity_events', 'api', 2, 1, 1],
    ['feature_usage', 'api', 1, 0, 1],
  ];
  for (const [kind, source, accepted, duplicates, rejected] of expected) {
    assert.deepEqual([items(kind, source, 'accepted'), items(kind, source, 'duplicate'), items(kind, source, 'rejected')], [accepted, duplicates, rejected], `${kind} over ${source}`);
  }
  const events = Object.fromEntries((families.get('devflow_otlp_log_records_total')?.samples ?? []).map((x) => [x.labels.event, x.value]));
  assert.deepEqual(events, { tool_result: 6, tool_decision: 0, user_prompt: 2, api_request: 0, api_error: 0, unknown: 4, other: 2 });
  assert.equal(valueOf(families, 'devflow_otlp_metrics_requests_total'), 1);

  // /v1/stats reads the same counters: its totals are the sums.
  const stats = (await app.inject({ method: 'GET', url: '/v1/stats', headers: auth(app.keys.read) })).json() as { ingest: Record<string, number> };
  assert.deepEqual([stats.ingest.accepted, stats.ingest.duplicates, stats.ingest.rejected], [10, 5, 6]);

  const commits = valueOf(families, 'devflow_group_commits_total', { outcome: 'succeeded' });
  assert.ok(commits >= 8, `every ingest request that stored something committed: ${commits}`);
  assert.equal(valueOf(families, 'devflow_group_commit_rows_count'), commits);
  assert.equal(valueOf(families, 'devflow_group_commit_duration_seconds_count'), commits);
  assert.ok(valueOf(families, 'devflow_group_commit_rows_sum') >= 10 + 5);

  const clientChose = [...Object.values(SECRETS), session.id, 'evil', '__proto__', 'test-read', 'test-ingest', app.keys.read, app.keys.ingest, app.keys.admin];
  for (const text of clientChose) assert.ok(!res.body.includes(text), `the exposition shows ${JSON.stringify(text)}`);
  const closed: Record<string, RegExp> = {
    kind: /^(tool_calls|productivity_events|feature_usage|sessions)$/,
    source: /^(api|otlp)$/,
    outcome: /^(accepted|duplicate|rejected|succeeded|failed)$/,
    event: /^(tool_result|tool_decision|user_prompt|api_request|api_error|unknown|other)$/,
    method: /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|OTHER)$/,
    status_code: /^[1-5]\d\d$/,
    dry_run: /^(true|false)$/,
    le: /^(\+Inf|\d+(\.\d+)?(e-?\d+)?)$/,
  };
  for (const family of families.values()) {
    if (!family.name.startsWith('devflow_') || /^devflow_(process|nodejs)_/.test(family.name)) continue;
    for (const sample of family.samples) {
      for (const [label, value] of Object.entries(sample.labels)) {
        if (label === 'route') continue;
        assert.match(value, closed[label] ?? /^$/, `${sample.name} ${label}=${value}`);
      }
    }
  }

  // Apps built side by side keep their own metrics.
  const other = await build(t, { metrics: true });
  assert.equal(valueOf(await scrape(other), 'devflow_ingest_items_total', { kind: 'tool_calls', source: 'api', outcome: 'accepted' }), 0);
});

test('request durations are labelled with the route template, never the path a client sent; a request no route matched is `unmatched`', async (t) => {
  const app = await build(t, { metrics: true });
  const session = await createSession(app);
  const stranger = randomUUID();
  const read = (url: string) => app.inject({ method: 'GET', url, headers: auth(app.keys.read) });
  assert.equal((await read(`/v1/sessions/${session.id}`)).statusCode, 200);
  assert.equal((await read(`/v1/sessions/${stranger}`)).statusCode, 404);
  assert.equal((await read(`/v1/tool-calls?session=${session.id}`)).statusCode, 200);
  assert.equal((await read(`/v1/no-such-thing/${stranger}`)).statusCode, 404);
  assert.equal((await app.inject({ method: 'GET', url: `/elsewhere/${stranger}?q=${stranger}` })).statusCode, 404);
  assert.equal((await app.inject({ method: 'PROPFIND', url: `/v1/sessions/${session.id}`, headers: auth(app.keys.read) })).statusCode, 404);

  const res = await app.inject({ method: 'GET', url: '/metrics', headers: auth(app.keys.read) });
  const families = parsePrometheusText(res.body);
  const count = (labels: Record<string, string>) => valueOf(families, 'devflow_http_request_duration_seconds_count', labels);
  assert.equal(count({ method: 'GET', route: '/v1/sessions/:id', status_code: '200' }), 1);
  assert.equal(count({ method: 'GET', route: '/v1/sessions/:id', status_code: '404' }), 1);
  assert.equal(count({ method: 'GET', route: '/v1/tool-calls', status_code: '200' }), 1);
  assert.equal(count({ method: 'POST', route: '/v1/sessions', status_code: '201' }), 1);
  assert.equal(count({ method: 'GET', route: 'unmatched', status_code: '404' }), 2);
  assert.equal(count({ method: 'OTHER', route: 'unmatched', status_code: '404' }), 1);
  for (const id of [session.id, stranger, 'no-such-thing', 'elsewhere']) assert.ok(!res.body.includes(id), id);
  const templates = new Set([...app.routeAccess.map((r) => r.url), 'unmatched']);
  const routes = families.get('devflow_http_request_duration_seconds')?.samples.map((x) => x.labels.route) ?? [];
  assert.ok(routes.length > 0);
  for (const route of routes) assert.ok(templates.has(route as string), `route label ${String(route)} is a registered template`);
});

test('retention runs and the rows they deleted are counted by outcome and kind, dry runs apart', async (t) => {
  const app = await build(t, { metrics: true });
  const now = Date.now();
  seedSession(app.sqlite.db, { status: 'completed', startedAt: now - 400 * DAY, toolCalls: [now - 399 * DAY, now - 398 * DAY], events: [now - 399 * DAY], features: [now - 399 * DAY] });
  seedSession(app.sqlite.db, { status: 'active', startedAt: now - 3 * DAY });
  const admin = (url: string) => app.inject({ method: 'POST', url, headers: auth(app.keys.admin) });
  assert.equal((await admin('/v1/retention/run?dryRun=true')).statusCode, 200);
  const run = await admin('/v1/retention/run');
  assert.equal(run.statusCode, 200, run.body);
  const { deleted, staleSessionsClosed } = run.json() as { deleted: Record<string, number>; staleSessionsClosed: number };
  assert.deepEqual(deleted, { toolCalls: 2, sessions: 1, productivityEvents: 1, featureUsage: 1 });

  const families = await scrape(app);
  const runs = (outcome: string, dry: boolean) => valueOf(families, 'devflow_retention_runs_total', { outcome, dry_run: String(dry) });
  assert.deepEqual([runs('succeeded', false), runs('succeeded', true), runs('failed', false), runs('failed', true)], [1, 1, 0, 0]);
  const rows = (kind: string) => valueOf(families, 'devflow_retention_deleted_rows_total', { kind });
  assert.deepEqual([rows('tool_calls'), rows('sessions'), rows('productivity_events'), rows('feature_usage')], [2, 1, 1, 1], 'the run only: the dry run deleted nothing');
  assert.equal(valueOf(families, 'devflow_retention_stale_sessions_closed_total'), staleSessionsClosed);
  assert.equal(staleSessionsClosed, 1);
});
