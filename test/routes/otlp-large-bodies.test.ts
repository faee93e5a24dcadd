/**
 * OTLP/HTTP JSON logs bodies of 64 KiB or more are parsed and mapped on a decode thread
 * (src/lib/otlp-decode-pool.ts): the same calls, sessions, counts and answers as the same
 * records sent in small bodies, and the same 400 problems for the same faults.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { OFFLOAD_MIN_BYTES } from '../../src/lib/otlp-decode-pool.js';
import { mapJsonLogsBody } from '../../src/lib/otlp-json-logs.js';
import { AppError } from '../../src/lib/app-error.js';
import { auth, build, problemOf, type TestApp } from '../helper.js';

const SESSIONS = Array.from({ length: 7 }, () => randomUUID());
const kv = (key: string, value: Record<string, unknown>) => ({ key, value });

/** Claude Code tool_result records: some failing, some timing out, some MCP, one without a session. */
function records(n: number, start: number): unknown[] {
  const base = Date.now() - 60_000;
  return Array.from({ length: n }, (_, i) => ({
    timeUnixNano: `${base + start + i}000000`,
    body: { stringValue: 'claude_code.tool_result' },
    attributes: [
      kv('event.name', { stringValue: 'tool_result' }),
      ...(i % 97 === 5 ? [] : [kv('session.id', { stringValue: SESSIONS[i % SESSIONS.length] })]),
      kv('tool_name', { stringValue: i % 5 === 0 ? 'mcp_tool' : `Tool${i % 11}` }),
      kv('tool_parameters', { stringValue: JSON.stringify({ mcp_server_name: 'slack', mcp_tool_name: `t${i % 3}` }) }),
      kv('tool_use_id', { stringValue: `toolu_${start + i}` }),
      kv('success', { stringValue: i % 7 === 0 ? 'false' : 'true' }),
      kv('error', { stringValue: i % 14 === 0 ? 'timed out' : 'boom' }),
      kv('duration_ms', { intValue: String(i * 3) }),
      kv('terminal.type', { stringValue: 'vscode' }),
    ],
  }));
}
const body = (recs: unknown[]) => ({ resourceLogs: [{ resource: { attributes: [kv('devflow.project', { stringValue: 'big' })] }, scopeLogs: [{ logRecords: recs }] }] });

const post = (app: TestApp, payload: string | Buffer, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': 'application/json', ...auth(app.keys.ingest), ...headers }, body: payload });

async function stored(app: TestApp) {
  const calls: unknown[] = [];
  for (const session of SESSIONS) {
    const res = await app.inject({ method: 'GET', url: `/v1/tool-calls?session=${session}&limit=500`, headers: auth(app.keys.read) });
    for (const c of (res.json() as { items: Array<Record<string, unknown>> }).items) calls.push([c.id, c.sessionId, c.toolName, c.durationMs, c.status, c.errorType, c.timestamp]);
  }
  const stats = (await app.inject({ method: 'GET', url: '/v1/stats', headers: auth(app.keys.admin) })).json() as Record<string, Record<string, unknown>>;
  return { calls: calls.sort(), counts: stats.ingest?.otlpRecords, toolCalls: stats.tables?.toolCalls };
}

test('a large body stores what the same records in small bodies store, and answers the same', async (t) => {
  const all = records(900, 0);
  const large = JSON.stringify(body(all));
  assert.ok(Buffer.byteLength(large) >= OFFLOAD_MIN_BYTES * 2, 'the body is large enough to be offloaded');
  const one = await build(t);
  const res = await post(one, large);
  assert.equal(res.statusCode, 200, res.body);

  const many = await build(t);
  const small: Array<Record<string, unknown>> = [];
  for (let i = 0; i < all.length; i += 50) {
    const part = JSON.stringify(body(all.slice(i, i + 50)));
    assert.ok(Buffer.byteLength(part) < OFFLOAD_MIN_BYTES);
    small.push((await post(many, part)).json() as Record<string, unknown>);
  }
  const rejected = (res.json() as { partialSuccess: { rejectedLogRecords: string } }).partialSuccess.rejectedLogRecords;
  assert.equal(Number(rejected), small.reduce((n, r) => n + Number((r.partialSuccess as { rejectedLogRecords?: string } | undefined)?.rejectedLogRecords ?? 0), 0));
  assert.ok(Number(rejected) > 0);
  const [a, b] = [await stored(one), await stored(many)];
  assert.equal(a.calls.length, 900 - Number(rejected));
  assert.deepEqual(a, b);

  // Gzipped: the limit and the offload apply to the decompressed body.
  const again = await post(one, gzipSync(large), { 'content-encoding': 'gzip' });
  assert.equal(again.statusCode, 200, again.body);
  assert.deepEqual((await stored(one)).calls, a.calls, 're-sent records are duplicates, stored once');
});

/** The inline path's error for the same bytes: what the JSON body parser has always answered. */
function inlineError(bytes: Buffer): AppError {
  try {
    mapJsonLogsBody(bytes, Date.now());
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the body to be refused');
}

test('large bad bodies get the problems small ones get, and write nothing', async (t) => {
  const app = await build(t);
  const text = JSON.stringify(body(records(600, 0)));
  const at = text.lastIndexOf('"vscode"');
  const cases: Array<[string, Buffer, string]> = [
    ['cut short', Buffer.from(text.slice(0, -3)), 'MALFORMED_JSON'],
    ['not UTF-8', Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc3, 0x28]), Buffer.from(text.slice(at))]), 'MALFORMED_JSON'],
    ['a lone surrogate in an attribute nobody reads', Buffer.from(`${text.slice(0, at)}"\\ud800"${text.slice(at + 8)}`), 'VALIDATION_FAILED'],
    ['a number JSON rounds', Buffer.from(`${text.slice(0, at)}1.0000000000000001${text.slice(at + 8)}`), 'VALIDATION_FAILED'],
    ['resourceLogs not an array', Buffer.from(`{"resourceLogs":{"x":${JSON.stringify('y'.repeat(OFFLOAD_MIN_BYTES))}}}`), 'VALIDATION_FAILED'],
    ['blank', Buffer.from(' '.repeat(OFFLOAD_MIN_BYTES)), 'MALFORMED_JSON'],
  ];
  for (const [name, bytes, code] of cases) {
    assert.ok(bytes.byteLength >= OFFLOAD_MIN_BYTES, name);
    const res = await post(app, bytes);
    assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
    const problem = problemOf(res);
    const expected = inlineError(bytes);
    assert.deepEqual([problem.code, problem.detail, problem.errors], [code, expected.message, expected.errors], name);
  }
  const stats = (await app.inject({ method: 'GET', url: '/v1/stats', headers: auth(app.keys.admin) })).json() as { tables: { toolCalls: number; sessions: number } };
  assert.deepEqual([stats.tables.toolCalls, stats.tables.sessions], [0, 0]);
});
