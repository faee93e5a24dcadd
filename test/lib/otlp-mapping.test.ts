import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { v5 as uuidv5 } from 'uuid';
import { AppError } from '../../src/lib/app-error.js';
import { plainValue } from '../../src/lib/otlp-any-value.js';
import { mapLogsRequest, OTLP_NAMESPACE, sessionIdFor } from '../../src/lib/otlp-mapping.js';

const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/otlp-claude-code-tool-result.json', import.meta.url), 'utf8')) as unknown;
const NOW = Date.parse('2026-11-23T04:00:00.000Z');
const SESSION = '9f5063b2-d106-49f4-8c00-30432373ece6';

type Value = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
const s = (v: string): Value => ({ stringValue: v });
const attrs = (o: Record<string, Value>) => Object.entries(o).map(([key, value]) => ({ key, value }));

/** One tool_result record in the shape Claude Code sends, with overrides. */
function toolResult(over: Record<string, Value | null> = {}, record: Record<string, unknown> = {}) {
  const base: Record<string, Value | null> = {
    'event.name': s('tool_result'),
    'session.id': s(SESSION),
    tool_name: s('Bash'),
    tool_use_id: s('toolu_test_1'),
    success: s('true'),
    duration_ms: { intValue: 12 },
    ...over,
  };
  const kept = Object.fromEntries(Object.entries(base).filter(([, v]) => v !== null)) as Record<string, Value>;
  return { timeUnixNano: '1795406090983000000', body: s('claude_code.tool_result'), attributes: attrs(kept), ...record };
}

const request = (records: unknown[], resource: Record<string, Value> = {}) => ({
  resourceLogs: [{ resource: { attributes: attrs(resource) }, scopeLogs: [{ scope: { name: 'test' }, logRecords: records }] }],
});

const one = (record: unknown, resource?: Record<string, Value>) => mapLogsRequest(request([record], resource), NOW);

test('the shared fixture: two tool calls, one session, api_request counted', () => {
  const m = mapLogsRequest(FIXTURE, NOW);
  assert.deepEqual(m.counts, { tool_result: 2, api_request: 1 });
  assert.deepEqual(m.rejected, []);
  assert.equal(m.toolCalls.length, 2);
  const [read, mcp] = m.toolCalls;
  assert.deepEqual({ ...read, path: undefined }, {
    id: uuidv5('toolu_01f7802e7d7e30afeac2078f', OTLP_NAMESPACE),
    sessionId: SESSION,
    toolName: 'Read',
    durationMs: 37,
    status: 'success',
    errorType: null,
    timestamp: Date.parse('2026-11-23T03:54:50.983Z'),
    path: undefined,
  });
  assert.equal(mcp?.toolName, 'github/create_issue');
  assert.equal(mcp?.durationMs, 1204);
  assert.equal(mcp?.status, 'error');
  assert.equal(mcp?.errorType, 'McpError');
  assert.equal(mcp?.timestamp, Date.parse('2026-11-23T03:54:51.983Z'));
  assert.deepEqual(m.sessions, [{ id: SESSION, project: 'billing-api', profile: null, startedAt: Date.parse('2026-11-23T03:54:50.983Z') }]);
});

test('intValue as number or string, doubleValue and numeric strings give integer durations', () => {
  assert.equal(one(toolResult({ duration_ms: { intValue: 37 } })).toolCalls[0]?.durationMs, 37);
  assert.equal(one(toolResult({ duration_ms: { intValue: '1204' } })).toolCalls[0]?.durationMs, 1204);
  assert.equal(one(toolResult({ duration_ms: { doubleValue: 12.6 } })).toolCalls[0]?.durationMs, 13);
  assert.equal(one(toolResult({ duration_ms: s('40') })).toolCalls[0]?.durationMs, 40);
  assert.equal(one(toolResult({ duration_ms: { intValue: 0 } })).toolCalls[0]?.durationMs, 0);
});

test('unusable durations reject the record', () => {
  for (const [value, reason] of [
    [{ intValue: -1 }, 'duration_ms must be >= 0'],
    [{ intValue: '-5' }, 'duration_ms must be >= 0'],
    [s('fast'), 'duration_ms is not a number'],
    [null, 'duration_ms is missing'],
    [{ intValue: 'abc' }, 'duration_ms is not a number'],
  ] as const) {
    const m = one(toolResult({ duration_ms: value }));
    assert.equal(m.toolCalls.length, 0);
    assert.deepEqual(m.rejected, [{ path: '/resourceLogs/0/scopeLogs/0/logRecords/0', reason }]);
    assert.equal(m.counts.tool_result, 1, 'rejected records are counted too');
  }
});

test('success as boolValue or string; timeout from error_type or error; errorType null on success', () => {
  const status = (over: Record<string, Value | null>) => {
    const c = one(toolResult(over)).toolCalls[0];
    return [c?.status, c?.errorType];
  };
  assert.deepEqual(status({ success: { boolValue: true } }), ['success', null]);
  assert.deepEqual(status({ success: s('TRUE'), error_type: s('ignored') }), ['success', null]);
  assert.deepEqual(status({ success: { boolValue: false }, error_type: s('ToolError') }), ['error', 'ToolError']);
  assert.deepEqual(status({ success: s('false') }), ['error', null]);
  assert.deepEqual(status({ success: null }), ['error', null]);
  assert.deepEqual(status({ success: s('false'), error_type: s('TimeoutError') }), ['timeout', 'TimeoutError']);
  assert.deepEqual(status({ success: s('false'), error: s('Command timed out after 120000ms') }), ['timeout', null]);
  assert.deepEqual(status({ success: { boolValue: false }, error: s('ETIMEDOUT') }), ['timeout', null]);
  assert.deepEqual(status({ success: { boolValue: false }, error_type: s('timeout') }), ['timeout', 'timeout']);
});

test('event name from body or from event.name, with or without the claude_code. prefix', () => {
  const noName = toolResult({ 'event.name': null }, { body: s('claude_code.tool_result') });
  assert.equal(one(noName).toolCalls.length, 1);
  const attrOnly = toolResult({ 'event.name': s('claude_code.tool_result') }, { body: undefined });
  assert.equal(one(attrOnly).toolCalls.length, 1);
  const bare = toolResult({ 'event.name': null }, { body: s('tool_result') });
  assert.equal(one(bare).toolCalls.length, 1);
  const eventNameField = toolResult({ 'event.name': null }, { body: s('a log line, not an event'), eventName: 'claude_code.tool_result' });
  assert.equal(one(eventNameField).toolCalls.length, 1);
});

test('other events are counted by name, not mapped; nameless records count as unknown', () => {
  const m = mapLogsRequest(
    request([
      { body: s('claude_code.user_prompt'), attributes: attrs({ 'event.name': s('user_prompt') }) },
      { body: s('claude_code.api_request') },
      { attributes: attrs({ 'event.name': s('api_error') }) },
      { body: s('some free text log line with spaces') },
      {},
      { body: s('__proto__') },
      { body: s('claude_code.constructor') },
    ]),
    NOW,
  );
  assert.deepEqual(m.counts, { user_prompt: 1, api_request: 1, api_error: 1, unknown: 4 });
  assert.deepEqual([m.toolCalls, m.sessions, m.rejected], [[], [], []]);
});

test('timestamp falls back to observedTimeUnixNano, then event.timestamp, then now', () => {
  const ts = (record: Record<string, unknown>, over: Record<string, Value | null> = {}) =>
    one(toolResult(over, { timeUnixNano: undefined, ...record })).toolCalls[0]?.timestamp;
  assert.equal(ts({ observedTimeUnixNano: '1795406091000000000' }), 1795406091000);
  assert.equal(ts({ timeUnixNano: '0', observedTimeUnixNano: 1795406092000000000 }), 1795406092000);
  assert.equal(ts({}, { 'event.timestamp': s('2026-11-23T03:54:50.983Z') }), Date.parse('2026-11-23T03:54:50.983Z'));
  assert.equal(ts({}), NOW);
  // Given but out of range everywhere: rejected, not stored at a made-up time.
  const m = one(toolResult({}, { timeUnixNano: '1000' }));
  assert.equal(m.toolCalls.length, 0);
  assert.match(m.rejected[0]?.reason ?? '', /timestamp/);
  // An invalid first source falls through to a valid second one.
  assert.equal(ts({ timeUnixNano: '99', observedTimeUnixNano: '1795406091000000000' }), 1795406091000);
});

test('mcp_tool names: server/tool from tool_parameters (JSON string or kvlist); kept as sent otherwise', () => {
  const params = s(JSON.stringify({ mcp_server_name: 'github', mcp_tool_name: 'create_issue' }));
  assert.equal(one(toolResult({ tool_name: s('mcp_tool'), tool_parameters: params })).toolCalls[0]?.toolName, 'github/create_issue');
  assert.equal(one(toolResult({ tool_name: s('mcp__github__create_issue'), tool_parameters: params })).toolCalls[0]?.toolName, 'github/create_issue');
  const kv = { kvlistValue: { values: [{ key: 'mcp_server_name', value: s('linear') }, { key: 'mcp_tool_name', value: s('list') }] } };
  assert.equal(one(toolResult({ tool_name: s('mcp_tool'), tool_parameters: kv as Value })).toolCalls[0]?.toolName, 'linear/list');
  assert.equal(one(toolResult({ tool_name: s('mcp_tool') })).toolCalls[0]?.toolName, 'mcp_tool');
  assert.equal(one(toolResult({ tool_name: s('mcp_tool'), tool_parameters: s('{not json') })).toolCalls[0]?.toolName, 'mcp_tool');
  assert.equal(one(toolResult({ tool_name: s('mcp__fs__read') })).toolCalls[0]?.toolName, 'mcp__fs__read');
  // Parameters of a non-MCP tool never rename it.
  assert.equal(one(toolResult({ tool_name: s('Bash'), tool_parameters: params })).toolCalls[0]?.toolName, 'Bash');
});

test('sessions: UUIDs lower-cased, other ids UUID v5; record attributes override resource ones', () => {
  assert.equal(sessionIdFor(SESSION.toUpperCase()), SESSION);
  assert.equal(sessionIdFor('my-session'), uuidv5('my-session', OTLP_NAMESPACE));
  const m = one(toolResult({ 'session.id': s('my-session'), 'devflow.project': s('web') }), { 'devflow.project': s('api'), 'devflow.profile': s('ci') });
  assert.deepEqual(m.sessions, [{ id: uuidv5('my-session', OTLP_NAMESPACE), project: 'web', profile: 'ci', startedAt: 1795406090983 }]);
  // session.id on the resource only is used too.
  const r = one(toolResult({ 'session.id': null }), { 'session.id': s(SESSION), 'devflow.profile': { intValue: 7 } });
  assert.deepEqual(r.sessions, [{ id: SESSION, project: null, profile: 7, startedAt: 1795406090983 }]);
});

test('a tool_result with no usable session.id or tool_name is rejected with its path', () => {
  const m = mapLogsRequest(request([toolResult(), toolResult({ 'session.id': null }), toolResult({ 'session.id': s('  ') }), toolResult({ tool_name: null })]), NOW);
  assert.equal(m.toolCalls.length, 1);
  assert.deepEqual(m.rejected, [
    { path: '/resourceLogs/0/scopeLogs/0/logRecords/1', reason: 'session.id is missing' },
    { path: '/resourceLogs/0/scopeLogs/0/logRecords/2', reason: 'session.id is missing' },
    { path: '/resourceLogs/0/scopeLogs/0/logRecords/3', reason: 'tool_name is missing' },
  ]);
});

test('session startedAt is the earliest record of the request', () => {
  const m = mapLogsRequest(
    request([toolResult({ tool_use_id: s('a') }, { timeUnixNano: '1795406099000000000' }), toolResult({ tool_use_id: s('b') }, { timeUnixNano: '1795406090000000000' })]),
    NOW,
  );
  assert.equal(m.sessions.length, 1);
  assert.equal(m.sessions[0]?.startedAt, 1795406090000);
});

test('ids: v5 of tool_use_id; without one, stable from session, time, tool and sequence', () => {
  const a = one(toolResult()).toolCalls[0]?.id;
  assert.equal(a, uuidv5('toolu_test_1', OTLP_NAMESPACE));
  const noUse = toolResult({ tool_use_id: null, 'event.sequence': { intValue: 4 } });
  const first = one(noUse).toolCalls[0]?.id;
  assert.equal(one(noUse).toolCalls[0]?.id, first, 're-sent record gets the same id');
  assert.notEqual(one(toolResult({ tool_use_id: null, 'event.sequence': { intValue: 5 } })).toolCalls[0]?.id, first);
});

test('proto3 JSON details: snake_case field names, null as absent, unknown fields ignored', () => {
  const snake = {
    resource_logs: [{ scope_logs: [{ log_records: [{ time_unix_nano: '1795406090983000000', body: { string_value: 'claude_code.tool_result' }, attributes: [
      { key: 'session.id', value: { string_value: SESSION } },
      { key: 'tool_name', value: { string_value: 'Edit' } },
      { key: 'success', value: { bool_value: true } },
      { key: 'duration_ms', value: { int_value: '5' } },
    ], somethingNew: 1 }] }] }],
    extra: true,
  };
  const m = mapLogsRequest(snake, NOW);
  assert.equal(m.toolCalls[0]?.toolName, 'Edit');
  assert.equal(m.toolCalls[0]?.durationMs, 5);
  assert.deepEqual(mapLogsRequest({ resourceLogs: null }, NOW).counts, {});
  assert.deepEqual(mapLogsRequest({}, NOW).toolCalls, []);
});

test('a body that is not the OTLP shape is a 400 with a JSON pointer', () => {
  for (const [body, path] of [
    [[], '/'],
    ['x', '/'],
    [{ resourceLogs: {} }, '/resourceLogs'],
    [{ resourceLogs: [1] }, '/resourceLogs/0'],
    [{ resourceLogs: [{ scopeLogs: 'x' }] }, '/resourceLogs/0/scopeLogs'],
    [{ resourceLogs: [{ resource: [] }] }, '/resourceLogs/0/resource'],
    [{ resourceLogs: [{ scopeLogs: [{ logRecords: [null] }] }] }, '/resourceLogs/0/scopeLogs/0/logRecords/0'],
    [{ resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: {} }] }] }] }, '/resourceLogs/0/scopeLogs/0/logRecords/0/attributes'],
  ] as const) {
    assert.throws(() => mapLogsRequest(body, NOW), (err: unknown) => err instanceof AppError && err.status === 400 && err.errors?.[0]?.path === path, JSON.stringify(body));
  }
});

test('AnyValue variants decode to plain values', () => {
  assert.equal(plainValue({ intValue: '9007199254740993' }), '9007199254740993');
  assert.equal(plainValue({ doubleValue: 'NaN' }), Number.NaN);
  assert.deepEqual(plainValue({ arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }, {}] } }), ['a', 1, null]);
  assert.deepEqual(plainValue({ kvlistValue: { values: [{ key: '__proto__', value: { boolValue: true } }] } }), JSON.parse('{"__proto__":true}'));
  assert.equal(plainValue({ bytesValue: 'AAE=' }), 'AAE=');
  assert.equal(plainValue({}), null);
  assert.equal(plainValue('x'), null);
});

test('the REST limits hold: tool names over 200 characters rejected, errorType and project clipped', () => {
  assert.match(one(toolResult({ tool_name: s('x'.repeat(201)) })).rejected[0]?.reason ?? '', /longer than 200/);
  assert.equal(one(toolResult({ tool_name: s('é'.repeat(200)) })).toolCalls.length, 1);
  const m = one(toolResult({ success: s('false'), error_type: s('E'.repeat(300)), 'devflow.project': s('😀'.repeat(250)) }));
  assert.equal(m.toolCalls[0]?.errorType, 'E'.repeat(200));
  assert.equal(m.sessions[0]?.project, '😀'.repeat(200));
});

test('attributes: a repeated key keeps its last value; a record key sent without a value hides the resource one', () => {
  const repeatedKey = toolResult();
  repeatedKey.attributes.push({ key: 'tool_name', value: s('Edit') }, { key: 'duration_ms', value: { intValue: '41' } });
  const call = one(repeatedKey).toolCalls[0];
  assert.deepEqual([call?.toolName, call?.durationMs], ['Edit', 41]);
  // Attributes the mapping does not read, and malformed entries, are passed over.
  const noisy = toolResult({ 'prompt.id': s('p1'), decision_source: s('config'), constructor: s('x'), __proto__: s('y') });
  noisy.attributes.push(null as never, 'kv' as never, { key: 7, value: s('z') } as never, { value: s('no key') } as never);
  assert.equal(one(noisy).toolCalls.length, 1);
  const withoutValue = toolResult({ 'session.id': null });
  withoutValue.attributes.push({ key: 'session.id' } as never);
  assert.deepEqual(one(withoutValue, { 'session.id': s(SESSION) }).rejected.map((r) => r.reason), ['session.id is missing']);
  // Attributes on a second resource are that resource's only.
  const m = mapLogsRequest(
    {
      resourceLogs: [
        { resource: { attributes: attrs({ 'devflow.project': s('api') }) }, scopeLogs: [{ logRecords: [toolResult({ tool_use_id: s('r0') })] }] },
        { scopeLogs: [{ logRecords: [toolResult({ tool_use_id: s('r1'), 'session.id': s('other') })] }] },
      ],
    },
    NOW,
  );
  assert.deepEqual(m.sessions.map((x) => x.project), ['api', null]);
});

test('one request: a session.id sent in upper and lower case is one session; names and sessions interleave', () => {
  const m = mapLogsRequest(
    request([
      toolResult({ tool_use_id: s('a') }),
      { body: s('claude_code.api_request'), attributes: attrs({ 'session.id': s(SESSION) }) },
      toolResult({ tool_use_id: s('b'), 'session.id': s(SESSION.toUpperCase()) }),
      toolResult({ tool_use_id: s('c'), 'session.id': s('my-session') }),
      toolResult({ tool_use_id: s('d'), 'event.name': s('claude_code.tool_result'), 'session.id': s('my-session') }),
    ]),
    NOW,
  );
  assert.deepEqual(m.toolCalls.map((c) => c.sessionId), [SESSION, SESSION, uuidv5('my-session', OTLP_NAMESPACE), uuidv5('my-session', OTLP_NAMESPACE)]);
  assert.deepEqual(m.sessions.map((x) => x.id), [SESSION, uuidv5('my-session', OTLP_NAMESPACE)]);
  assert.deepEqual(m.counts, { tool_result: 4, api_request: 1 });
});

test('timeUnixNano as text: 1 to 20 digits, all zeros unset, anything else a given but unusable time', () => {
  const ts = (timeUnixNano: unknown) => {
    const m = one(toolResult({}, { timeUnixNano }));
    return m.toolCalls[0]?.timestamp ?? m.rejected[0]?.reason;
  };
  assert.equal(ts('1795406090983999999'), 1795406090983);
  assert.equal(ts('01795406090983000000'), 1795406090983);
  assert.equal(ts('00000000000000000000'), NOW);
  assert.equal(ts('000001'), 'timestamp is not a time between 2001 and 24 h from now');
  for (const bad of ['179540609098300000000', '', '-1795406090983000000', '1795406090983000000 ', '1.795406090983e18', '١٧٩٥٤٠٦٠٩٠٩٨٣٠٠٠٠٠٠']) {
    assert.equal(ts(bad), 'timestamp is not a time between 2001 and 24 h from now', JSON.stringify(bad));
  }
});

test('intValue as text: an optional minus and 1 to 20 digits', () => {
  assert.equal(plainValue({ intValue: '-12' }), -12);
  assert.equal(plainValue({ intValue: '00042' }), 42);
  assert.equal(plainValue({ intValue: '-99999999999999999999' }), '-99999999999999999999');
  for (const bad of ['', '-', '+5', '1.0', ' 5', '5 ', '--5', '123456789012345678901', '٥']) assert.equal(plainValue({ intValue: bad }), null, JSON.stringify(bad));
});
