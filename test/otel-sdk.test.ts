import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { auth, build, type TestApp } from './helper.js';

/**
 * The official OpenTelemetry JS SDK (LoggerProvider + OTLPLogExporter, http/json) against a
 * real listening server: what Claude Code does, record for record.
 */

const SESSION = '5d1c8c0e-8a53-4c4e-9d0f-2f1b7f0d8a11';
const T0 = Date.parse('2026-11-23T03:54:50.983Z');

/** Claude Code's claude_code.tool_result attributes (see its "monitoring usage" documentation). */
function claudeCodeRecords(): LogRecord[] {
  const common = { 'session.id': SESSION, 'prompt.id': 'b0c1d2e3-0000-4000-8000-000000000001', 'terminal.type': 'vscode' };
  return [
    {
      body: 'claude_code.tool_result',
      timestamp: new Date(T0),
      attributes: { 'event.name': 'tool_result', 'event.timestamp': new Date(T0).toISOString(), 'event.sequence': 3, ...common, tool_name: 'Read', tool_use_id: 'toolu_sdk_read', success: 'true', duration_ms: 37, decision_source: 'config', decision_type: 'accept' },
    },
    {
      body: 'claude_code.tool_result',
      timestamp: new Date(T0 + 1000),
      attributes: {
        'event.name': 'tool_result', ...common, tool_name: 'mcp_tool', tool_use_id: 'toolu_sdk_mcp', success: 'false', duration_ms: 1204, error_type: 'McpError',
        tool_parameters: JSON.stringify({ mcp_server_name: 'github', mcp_tool_name: 'create_issue' }),
      },
    },
    {
      // Name only in the event.name attribute, with the prefix; a timeout.
      timestamp: new Date(T0 + 2000),
      attributes: { 'event.name': 'claude_code.tool_result', ...common, tool_name: 'Bash', tool_use_id: 'toolu_sdk_bash', success: false, duration_ms: 120000, error: 'Command timed out after 2m' },
    },
    { body: 'claude_code.api_request', timestamp: new Date(T0 + 3000), attributes: { 'event.name': 'api_request', ...common, model: 'claude-sonnet-4', duration_ms: 2210, cost_usd: 0.0123 } },
    { body: 'claude_code.user_prompt', timestamp: new Date(T0 + 4000), attributes: { 'event.name': 'user_prompt', ...common, prompt_length: 42 } },
  ];
}

/** The real exporter, with every export result kept so the test can assert the server said yes. */
function recordingExporter(url: string, key: string, compression: CompressionAlgorithm) {
  const inner = new OTLPLogExporter({ url, headers: { Authorization: `Bearer ${key}` }, compression });
  const results: number[] = [];
  const exporter: LogRecordExporter = {
    export: (logs, done) => inner.export(logs, (result) => {
      results.push(result.code);
      done(result);
    }),
    shutdown: () => inner.shutdown(),
  };
  return { exporter, results };
}

async function emitAll(
  processor: (exporter: LogRecordExporter) => LogRecordProcessor,
  url: string,
  key: string,
  compression = CompressionAlgorithm.NONE,
): Promise<number[]> {
  const { exporter, results } = recordingExporter(url, key, compression);
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.158', 'devflow.project': 'billing-api' }),
    processors: [processor(exporter)],
  });
  const logger = provider.getLogger('com.anthropic.claude_code.events', '2.1.158');
  for (const record of claudeCodeRecords()) logger.emit(record);
  await provider.forceFlush();
  await provider.shutdown();
  return results;
}

async function getJson<T>(base: string, app: TestApp, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: auth(app.keys.read) });
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

test('OpenTelemetry JS SDK → POST /v1/logs → tool calls, an agent session and an exact toolCallCount', async (t) => {
  const app = await build(t);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `${base}/v1/logs`;

  // Batched, as Claude Code exports (OTEL_LOGS_EXPORT_INTERVAL): the session starts at its earliest record.
  const first = await emitAll((e) => new BatchLogRecordProcessor(e, { scheduledDelayMillis: 10 }), url, app.keys.ingest);
  assert.ok(first.length > 0 && first.every((code) => code === 0), `every export succeeded: ${first.join(',')}`);

  type Call = { toolName: string; durationMs: number; status: string; errorType: string | null; timestamp: string };
  const calls = await getJson<{ items: Call[] }>(base, app, `/v1/tool-calls?session=${SESSION}`);
  assert.deepEqual(
    calls.items.map((c) => [c.toolName, c.durationMs, c.status, c.errorType, c.timestamp]),
    [
      ['Bash', 120000, 'timeout', null, '2026-11-23T03:54:52.983Z'],
      ['github/create_issue', 1204, 'error', 'McpError', '2026-11-23T03:54:51.983Z'],
      ['Read', 37, 'success', null, '2026-11-23T03:54:50.983Z'],
    ],
  );
  const session = await getJson<Record<string, unknown>>(base, app, `/v1/sessions/${SESSION}`);
  assert.deepEqual(
    { type: session.type, status: session.status, project: session.project, startedAt: session.startedAt, toolCallCount: session.toolCallCount },
    { type: 'agent', status: 'active', project: 'billing-api', startedAt: '2026-11-23T03:54:50.983Z', toolCallCount: 3 },
  );
  assert.deepEqual(app.services.counters.snapshot().otlpRecords, { tool_result: 3, api_request: 1, user_prompt: 1 });

  // The same records again, one gzip request each this time (an exporter retry): only duplicates.
  const again = await emitAll((e) => new SimpleLogRecordProcessor(e), url, app.keys.ingest, CompressionAlgorithm.GZIP);
  assert.ok(again.length > 0 && again.every((code) => code === 0));
  assert.equal((await getJson<{ items: Call[] }>(base, app, `/v1/tool-calls?session=${SESSION}`)).items.length, 3);
  assert.equal((await getJson<{ toolCallCount: number }>(base, app, `/v1/sessions/${SESSION}`)).toolCallCount, 3);
  const counters = app.services.counters.snapshot();
  assert.deepEqual([counters.accepted, counters.duplicates], [3, 3]);

  // A wrong key: the exporter sees the failure (401), nothing is stored.
  const refused = await emitAll((e) => new SimpleLogRecordProcessor(e), url, 'dfa_not_a_key');
  assert.ok(refused.length > 0 && refused.every((code) => code !== 0));
  assert.equal(app.services.counters.snapshot().accepted, 3);
});
