import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { v5 as uuidv5 } from 'uuid';
import { OTLP_NAMESPACE } from '../../src/lib/otlp-mapping.js';
import { auth, build, problemOf, type TestApp } from '../helper.js';

const FIXTURE_TEXT = readFileSync(new URL('../fixtures/otlp-claude-code-tool-result.json', import.meta.url), 'utf8');
const SESSION = '9f5063b2-d106-49f4-8c00-30432373ece6';

type Value = { stringValue?: string; intValue?: number | string; boolValue?: boolean };
const s = (v: string): Value => ({ stringValue: v });
const attrs = (o: Record<string, Value>) => Object.entries(o).map(([key, value]) => ({ key, value }));

function toolResult(over: Record<string, Value> = {}, record: Record<string, unknown> = {}) {
  return {
    timeUnixNano: String(BigInt(Date.parse('2026-11-23T03:00:00.000Z')) * 1_000_000n),
    body: s('claude_code.tool_result'),
    attributes: attrs({ 'session.id': s(SESSION), tool_name: s('Bash'), tool_use_id: s('toolu_route_1'), success: { boolValue: true }, duration_ms: { intValue: 9 }, ...over }),
    ...record,
  };
}
const request = (records: unknown[], resource: Record<string, Value> = {}) => ({
  resourceLogs: [{ resource: { attributes: attrs(resource) }, scopeLogs: [{ logRecords: records }] }],
});

function postLogs(app: TestApp, payload: unknown, headers: Record<string, string> = {}) {
  const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
  return app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': 'application/json', ...auth(app.keys.ingest), ...headers }, body });
}

const get = (app: TestApp, url: string) => app.inject({ method: 'GET', url, headers: auth(app.keys.read) });
// Staged calls move into tool_calls between requests; settle() makes the table complete now.
const count = (app: TestApp, table: string) => (app.sqlite.settle(), app.sqlite.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

test('the shared fixture: 2 tool calls, 1 agent session for billing-api, api_request counted', async (t) => {
  const app = await build(t);
  const res = await postLogs(app, FIXTURE_TEXT);
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.deepEqual(res.json(), {});

  const calls = (await get(app, `/v1/tool-calls?session=${SESSION}`)).json() as { items: Array<Record<string, unknown>> };
  assert.deepEqual(
    calls.items.map((c) => [c.toolName, c.durationMs, c.status, c.errorType, c.timestamp]),
    [
      ['github/create_issue', 1204, 'error', 'McpError', '2026-11-23T03:54:51.983Z'],
      ['Read', 37, 'success', null, '2026-11-23T03:54:50.983Z'],
    ],
  );
  assert.equal(calls.items[1]?.id, uuidv5('toolu_01f7802e7d7e30afeac2078f', OTLP_NAMESPACE));

  const session = (await get(app, `/v1/sessions/${SESSION}`)).json() as Record<string, unknown>;
  assert.deepEqual(
    [session.type, session.status, session.project, session.profileId, session.startedAt, session.toolCallCount],
    ['agent', 'active', 'billing-api', null, '2026-11-23T03:54:50.983Z', 2],
  );
  assert.equal(count(app, 'sessions'), 1);
  assert.deepEqual(app.services.counters.snapshot().otlpRecords, { tool_result: 2, api_request: 1 });
  assert.equal(app.services.counters.snapshot().accepted, 2);

  // Sent again (an exporter retry): only duplicates, the count stays exact.
  const again = await postLogs(app, FIXTURE_TEXT);
  assert.deepEqual(again.json(), {});
  assert.equal(count(app, 'tool_calls'), 2);
  assert.equal(((await get(app, `/v1/sessions/${SESSION}`)).json() as { toolCallCount: number }).toolCallCount, 2);
  assert.equal(app.services.counters.snapshot().duplicates, 2);
});

test('a record with no usable session is reported in partialSuccess; the others are stored', async (t) => {
  const app = await build(t);
  const noSession = { ...toolResult(), attributes: attrs({ tool_name: s('Read'), tool_use_id: s('toolu_x'), success: s('true'), duration_ms: { intValue: 1 } }) };
  const res = await postLogs(app, request([toolResult(), noSession, toolResult({ tool_use_id: s('toolu_neg'), duration_ms: { intValue: -4 } })]));
  assert.equal(res.statusCode, 200);
  const body = res.json() as { partialSuccess: { rejectedLogRecords: string; errorMessage: string } };
  assert.equal(body.partialSuccess.rejectedLogRecords, '2');
  assert.match(body.partialSuccess.errorMessage, /logRecords\/1: session\.id is missing/);
  assert.match(body.partialSuccess.errorMessage, /logRecords\/2: duration_ms must be >= 0/);
  assert.equal(count(app, 'tool_calls'), 1);
  assert.equal(app.services.counters.snapshot().rejected, 2);
});

test('unknown events are counted, not stored; no session is created for them', async (t) => {
  const app = await build(t);
  const res = await postLogs(app, request([
    { body: s('claude_code.user_prompt'), attributes: attrs({ 'session.id': s(SESSION), prompt_length: { intValue: 12 } }) },
    { attributes: attrs({ 'event.name': s('api_request'), 'session.id': s(SESSION) }) },
  ]));
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), {});
  assert.equal(count(app, 'sessions'), 0);
  assert.equal(count(app, 'tool_calls'), 0);
  assert.deepEqual(app.services.counters.snapshot().otlpRecords, { user_prompt: 1, api_request: 1 });
});

test('event name in event.name only, string intValue, mcp_tool without tool_parameters, no timeUnixNano', async (t) => {
  const app = await build(t, {}, { now: () => Date.parse('2026-11-23T05:00:00.000Z') });
  const record = toolResult(
    { 'event.name': s('tool_result'), tool_name: s('mcp_tool'), duration_ms: { intValue: '250' }, success: s('false'), error_type: s('TimeoutError') },
    { body: undefined, timeUnixNano: undefined },
  );
  assert.equal((await postLogs(app, request([record]))).statusCode, 200);
  const [call] = ((await get(app, '/v1/tool-calls')).json() as { items: Array<Record<string, unknown>> }).items;
  assert.deepEqual([call?.toolName, call?.durationMs, call?.status, call?.errorType, call?.timestamp], ['mcp_tool', 250, 'timeout', 'TimeoutError', '2026-11-23T05:00:00.000Z']);
});

test('devflow.profile names a profile when it exists; an unknown one leaves the session without a profile', async (t) => {
  const app = await build(t);
  const created = await app.inject({ method: 'POST', url: '/v1/profiles', headers: auth(app.keys.admin), payload: { name: 'claude' } });
  const profileId = (created.json() as { id: number }).id;
  const other = '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d';
  await postLogs(app, request([toolResult(), toolResult({ 'session.id': s(other.toUpperCase()), tool_use_id: s('toolu_2'), 'devflow.profile': s('nope') })], { 'devflow.profile': s('claude') }));
  assert.equal(((await get(app, `/v1/sessions/${SESSION}`)).json() as { profileId: number }).profileId, profileId);
  assert.equal(((await get(app, `/v1/sessions/${other}`)).json() as { profileId: number | null }).profileId, null);
  // An upper-case session.id is stored lower-case, the tool call with it.
  const calls = (await get(app, `/v1/tool-calls?session=${other}`)).json() as { items: Array<{ id: string; sessionId: string }> };
  assert.deepEqual(calls.items.map((c) => [c.id, c.sessionId]), [[uuidv5('toolu_2', OTLP_NAMESPACE), other]]);
});

test('a gzip body is accepted; its size limit applies after decompression (413)', async (t) => {
  const app = await build(t, { bodyLimit: 64 * 1024 });
  const ok = await postLogs(app, gzipSync(FIXTURE_TEXT), { 'content-encoding': 'gzip' });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(count(app, 'tool_calls'), 2);

  // 1 MiB of JSON whitespace compresses to about 1 KiB: small on the wire, too large decompressed.
  const bomb = gzipSync(`{"resourceLogs":[]${' '.repeat(1024 * 1024)}}`);
  assert.ok(bomb.length < 64 * 1024);
  const big = await postLogs(app, bomb, { 'content-encoding': 'gzip' });
  assert.equal(big.statusCode, 413);
  assert.equal(problemOf(big).code, 'PAYLOAD_TOO_LARGE');
});

test('undecodable bodies are 400 problems and write nothing', async (t) => {
  const app = await build(t);
  const cases: Array<[string | Buffer, Record<string, string>, string]> = [
    ['{"resourceLogs": [', {}, 'MALFORMED_JSON'],
    ['[1, 2]', {}, 'VALIDATION_FAILED'],
    ['{"resourceLogs": {"a": 1}}', {}, 'VALIDATION_FAILED'],
    [Buffer.from('definitely not gzip'), { 'content-encoding': 'gzip' }, 'MALFORMED_GZIP'],
    [gzipSync('{"resourceLogs": ['), { 'content-encoding': 'gzip' }, 'MALFORMED_JSON'],
    [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), { 'content-type': 'application/x-protobuf' }, 'MALFORMED_PROTOBUF'],
  ];
  for (const [body, headers, code] of cases) {
    const res = await postLogs(app, body, headers);
    assert.equal(res.statusCode, 400, `${code}: ${res.body}`);
    assert.equal(problemOf(res).code, code);
  }
  const br = await postLogs(app, FIXTURE_TEXT, { 'content-encoding': 'br' });
  assert.equal(br.statusCode, 415);
  const text = await postLogs(app, FIXTURE_TEXT, { 'content-type': 'text/plain' });
  assert.equal(text.statusCode, 415);
  assert.equal(count(app, 'tool_calls') + count(app, 'sessions'), 0);
});

test('the key comes first and only ingest (or admin) may post', async (t) => {
  const app = await build(t);
  const none = await app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': 'application/json' }, body: 'garbage' });
  assert.equal(none.statusCode, 401);
  const read = await postLogs(app, FIXTURE_TEXT, auth(app.keys.read));
  assert.equal(read.statusCode, 403);
  const admin = await postLogs(app, FIXTURE_TEXT, auth(app.keys.admin));
  assert.equal(admin.statusCode, 200);
});

test('http/protobuf: decoded with the same mapping, answered in protobuf', async (t) => {
  const app = await build(t);
  const require = createRequire(import.meta.url);
  const root = require('@opentelemetry/otlp-transformer/build/src/generated/root');
  const { ExportLogsServiceRequest, ExportLogsServiceResponse } = root.opentelemetry.proto.collector.logs.v1;
  const bytes = Buffer.from(ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(JSON.parse(FIXTURE_TEXT))).finish());
  const res = await postLogs(app, gzipSync(bytes), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['content-type'], 'application/x-protobuf');
  assert.equal(res.rawPayload.length, 0, 'an empty ExportLogsServiceResponse');
  assert.equal(count(app, 'tool_calls'), 2);

  const partial = request([{ body: s('claude_code.tool_result'), attributes: attrs({ tool_name: s('Read'), duration_ms: { intValue: 1 } }) }]);
  const res2 = await postLogs(app, Buffer.from(ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(partial)).finish()), { 'content-type': 'application/x-protobuf' });
  const decoded = ExportLogsServiceResponse.toObject(ExportLogsServiceResponse.decode(res2.rawPayload), { longs: String });
  assert.equal(decoded.partialSuccess.rejectedLogRecords, '1');
});

test('POST /v1/metrics: any OTLP body (JSON, gzip or protobuf) is 200 {} and counted', async (t) => {
  const app = await build(t);
  const headers = { ...auth(app.keys.ingest), 'content-type': 'application/json' };
  const json = await app.inject({ method: 'POST', url: '/v1/metrics', headers, body: '{"resourceMetrics":[{"scopeMetrics":[]}]}' });
  assert.equal(json.statusCode, 200);
  assert.deepEqual(json.json(), {});
  const gz = await app.inject({ method: 'POST', url: '/v1/metrics', headers: { ...headers, 'content-encoding': 'gzip' }, body: gzipSync('{"resourceMetrics":[]}') });
  assert.equal(gz.statusCode, 200);
  const pb = await app.inject({ method: 'POST', url: '/v1/metrics', headers: { ...headers, 'content-type': 'application/x-protobuf' }, body: Buffer.alloc(0) });
  assert.equal(pb.statusCode, 200);
  assert.equal(app.services.counters.snapshot().otlpMetricsRequests, 3);
  const bad = await app.inject({ method: 'POST', url: '/v1/metrics', headers, body: '{' });
  assert.equal(bad.statusCode, 400);
  const read = await app.inject({ method: 'POST', url: '/v1/metrics', headers: { ...headers, ...auth(app.keys.read) }, body: '{}' });
  assert.equal(read.statusCode, 403);
});

test('GET /v1/setup/claude-code: the env for this server, the key as a placeholder', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'GET', url: '/v1/setup/claude-code', headers: { ...auth(app.keys.read), host: 'devflow.local:3000' } });
  assert.equal(res.statusCode, 200);
  const body = res.json() as { endpoint: string; env: Record<string, string>; shell: string; settingsJson: { env: Record<string, string> } };
  assert.equal(body.endpoint, 'http://devflow.local:3000');
  assert.deepEqual(body.env, {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://devflow.local:3000',
    OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer <your ingest key>',
    OTEL_LOGS_EXPORT_INTERVAL: '5000',
  });
  assert.deepEqual(body.settingsJson, { env: body.env });
  assert.match(body.shell, /^export CLAUDE_CODE_ENABLE_TELEMETRY=1\n/);
  assert.match(body.shell, /\nexport OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <your ingest key>"\n/);
  assert.ok(!res.body.includes('dfa_'), 'never a real key');

  // A Host header that could inject into a shell line is not echoed.
  const evil = await app.inject({ method: 'GET', url: '/v1/setup/claude-code', headers: { ...auth(app.keys.read), host: 'x;rm -rf ~' } });
  assert.match((evil.json() as { endpoint: string }).endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  const ingest = await app.inject({ method: 'GET', url: '/v1/setup/claude-code', headers: auth(app.keys.ingest) });
  assert.equal(ingest.statusCode, 403);
});

test('overloaded: 429 with Retry-After, which OTLP exporters honour', async (t) => {
  const app = await build(t, { rateLimitMax: 1 });
  assert.equal((await postLogs(app, FIXTURE_TEXT)).statusCode, 200);
  const limited = await postLogs(app, FIXTURE_TEXT);
  assert.equal(limited.statusCode, 429);
  assert.equal(problemOf(limited).code, 'RATE_LIMITED');
  assert.ok(Number(limited.headers['retry-after']) >= 1);
});
