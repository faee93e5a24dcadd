import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { auth, build, createSession, type TestApp } from './helper.js';
import { runNode, type Finished } from './support/run-process.js';
import { freePort } from './support/server-process.js';

/**
 * The examples in examples/ run as a user runs them (`node --import tsx examples/….ts`, a child
 * process with DEVFLOW_URL and DEVFLOW_API_KEY) against the real app listening on a socket;
 * what they store or print is checked against the database through the API.
 */

type StoredSession = { id: string; type: string; status: string; project: string | null; exitCode: number | null; durationMs: number | null; toolCallCount: number; startedAt: string; endedAt: string | null };
type StoredCall = { id: string; sessionId: string; toolName: string; durationMs: number; status: string; errorType: string | null; timestamp: string };
type ToolsRow = { toolName: string; calls: number; errors: number; timeouts: number; errorRate: number | null; p50DurationMs: number | null; p95DurationMs: number | null; maxDurationMs: number | null };

async function listening(t: TestContext): Promise<TestApp & { url: string }> {
  const app = await build(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return Object.assign(app, { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` });
}

const example = (name: string, url: string, key: string, args: string[] = []): Promise<Finished> =>
  runNode(`examples/${name}.ts`, args, { DEVFLOW_URL: url, DEVFLOW_API_KEY: key });

/** Exit 1 with exactly one line on stderr, nothing on stdout. */
function failedWithOneLine(run: Finished, pattern: RegExp): void {
  assert.equal(run.code, 1, run.stdout);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^[^\n]+\n$/, `one line: ${JSON.stringify(run.stderr)}`);
  assert.match(run.stderr, pattern);
}

async function getJson<T>(app: TestApp, url: string): Promise<T> {
  const res = await app.inject({ method: 'GET', url, headers: auth(app.keys.read) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as T;
}

/** Posts tool calls in batches of 1000 (the default DEVFLOW_MAX_BATCH). */
async function postCalls(app: TestApp, items: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < items.length; i += 1000) {
    const res = await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: auth(app.keys.ingest), payload: { items: items.slice(i, i + 1000) } });
    assert.equal(res.json().accepted, Math.min(1000, items.length - i), res.body);
  }
}

const EXAMPLES = ['read-report', 'record-session', 'tail-export'];

test('every example script is run by this file and shown in the README with its command', () => {
  const scripts = readdirSync(new URL('../examples/', import.meta.url)).filter((name) => name.endsWith('.ts') && name !== 'from-env.ts');
  assert.deepEqual(scripts.sort(), EXAMPLES.map((name) => `${name}.ts`));
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const name of EXAMPLES) assert.ok(readme.includes(`node --import tsx examples/${name}.ts`), `README runs examples/${name}.ts`);
  const scriptsOf = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
  for (const script of ['client:generate', 'client:check']) assert.ok(readme.includes(`npm run ${script}`) && scriptsOf[script], script);
});

test('record-session creates a session, stores its tool calls in one batch and ends it', async (t) => {
  const app = await listening(t);
  const run = await example('record-session', app.url, app.keys.ingest);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  const printed = /^session ([0-9a-f-]{36}) \(agent, project examples\): 6 tool calls stored, 0 duplicates; completed after (\d+) ms, 6 tool calls\n$/.exec(run.stdout);
  assert.ok(printed, run.stdout);
  const [, id, durationMs] = printed as unknown as [string, string, string];

  const session = await getJson<StoredSession>(app, `/v1/sessions/${id}`);
  assert.deepEqual(
    [session.type, session.status, session.project, session.exitCode, session.toolCallCount, session.durationMs],
    ['agent', 'completed', 'examples', 0, 6, Number(durationMs)],
  );
  const calls = (await getJson<{ items: StoredCall[] }>(app, `/v1/tool-calls?session=${id}`)).items.reverse();
  assert.deepEqual(
    calls.map((c) => [c.toolName, c.status, c.durationMs, c.errorType]),
    [
      ['Read', 'success', 38, null],
      ['Grep', 'success', 112, null],
      ['Edit', 'success', 57, null],
      ['Bash', 'error', 4210, 'exit_code_1'],
      ['Edit', 'success', 44, null],
      ['Bash', 'success', 3890, null],
    ],
  );
  // Each call starts when the one before it ended; the last one ends with the session.
  const last = calls.at(-1) as StoredCall;
  assert.equal(Date.parse(calls[0]?.timestamp ?? ''), Date.parse(session.startedAt));
  assert.equal(Date.parse(last.timestamp) + last.durationMs, Date.parse(session.endedAt ?? ''));
  assert.equal(calls.reduce((total, c) => total + c.durationMs, 0), session.durationMs);
});

test('read-report prints the tools report the server computes, as a table', async (t) => {
  const app = await listening(t);
  const wanted = await createSession(app, { type: 'agent', project: 'billing' });
  const other = await createSession(app, { type: 'agent', project: 'web' });
  const now = Date.now();
  // 101 Read calls: p50, p95, p99 and max are four different durations, so no column can pass for another.
  const calls = [
    ...Array.from({ length: 101 }, (_, i) => ({ sessionId: wanted.id, toolName: 'Read', durationMs: (i + 1) * 3, status: 'success', timestamp: now - 60_000 + i })),
    ...[5_000, 120_000].map((durationMs, i) => ({ sessionId: wanted.id, toolName: 'Bash', durationMs, status: i === 0 ? 'error' : 'timeout', timestamp: now - 50_000 + i })),
    { sessionId: other.id, toolName: 'Grep', durationMs: 7, status: 'success', timestamp: now - 40_000 },
  ];
  await postCalls(app, calls);

  const run = await example('read-report', app.url, app.keys.read, ['--days', '2', '--project', 'billing']);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.deepEqual(lines[0]?.split(/\s{2,}/), ['tool', 'calls', 'errors', 'timeouts', 'error %', 'p50 ms', 'p95 ms', 'max ms']);
  const match = /^(\d+) tool calls from (\S+) to (\S+) \((raw|rollup) data\)$/.exec(lines.at(-1) ?? '');
  assert.ok(match, lines.at(-1));
  const [, total, from, to] = match as unknown as [string, string, string, string];
  assert.equal(Date.parse(to) - Date.parse(from), 2 * 86_400_000);

  const report = await getJson<{ rows: ToolsRow[] }>(app, `/v1/reports/tools?project=billing&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  assert.deepEqual(
    lines.slice(1, -1).map((line) => line.trim().split(/\s+/)),
    report.rows.map((r) => [r.toolName, r.calls, r.errors, r.timeouts, ((r.errorRate ?? 0) * 100).toFixed(1), r.p50DurationMs, r.p95DurationMs, r.maxDurationMs].map(String)),
  );
  assert.deepEqual(report.rows.map((r) => [r.toolName, r.calls, r.p50DurationMs, r.p95DurationMs, r.maxDurationMs]), [['Read', 101, 153, 288, 303], ['Bash', 2, 5_000, 120_000, 120_000]], 'the project filter left the other project out');
  assert.equal(Number(total), 103);
});

test('tail-export prints every exported tool call as its NDJSON line arrives, across stream chunks', async (t) => {
  const app = await listening(t);
  const first = await createSession(app, { type: 'agent' });
  const second = await createSession(app, { type: 'agent' });
  const now = Date.now();
  // Enough rows that the body arrives in many chunks, so lines are split between them.
  const items = Array.from({ length: 3000 }, (_, i) => ({
    sessionId: i % 3 === 0 ? second.id : first.id,
    toolName: ['Read', 'Edit', 'mcp/github/create_issue'][i % 3],
    durationMs: i,
    status: i % 7 === 0 ? 'error' : 'success',
    errorType: i % 7 === 0 ? 'ENOENT' : null,
    timestamp: now - 3_600_000 + i,
  }));
  await postCalls(app, items);

  const all = await example('tail-export', app.url, app.keys.read);
  assert.equal(all.code, 0, all.stderr);
  const exported = await app.inject({ method: 'GET', url: '/v1/tool-calls/export', headers: auth(app.keys.read) });
  const stored = exported.body.trimEnd().split('\n').map((line) => JSON.parse(line) as StoredCall);
  assert.equal(stored.length, 3000);
  const shown = (c: StoredCall) => `${c.timestamp}  ${c.toolName}  ${c.status}${c.errorType ? ` (${c.errorType})` : ''}  ${c.durationMs} ms  session ${c.sessionId}`;
  assert.equal(all.stdout, `${stored.map(shown).join('\n')}\n3000 tool calls\n`);

  const one = await example('tail-export', app.url, app.keys.read, ['--session', second.id, '--since', '2h']);
  assert.equal(one.code, 0, one.stderr);
  const ofSecond = stored.filter((c) => c.sessionId === second.id);
  assert.equal(one.stdout, `${ofSecond.map(shown).join('\n')}\n1000 tool calls\n`);

  const none = await example('tail-export', app.url, app.keys.read, ['--since', '30s']);
  assert.equal(none.stdout, '0 tool calls\n');
});

test('an example that fails says why in one line, exits 1, stores nothing and never prints the key', async (t) => {
  const app = await listening(t);
  const wrongKey = 'dfa_not_a_key_of_this_server_000000';
  const unauthorized = await example('read-report', app.url, wrongKey);
  failedWithOneLine(unauthorized, /^read-report: getToolsReport failed with 401 UNAUTHORIZED: /);
  assert.ok(!unauthorized.stderr.includes(wrongKey));

  const forbidden = await example('record-session', app.url, app.keys.read);
  failedWithOneLine(forbidden, /^record-session: createSession failed with 403 FORBIDDEN: /);
  assert.ok(!forbidden.stderr.includes(app.keys.read));
  assert.deepEqual((await getJson<{ items: unknown[] }>(app, '/v1/sessions')).items, []);

  failedWithOneLine(await runNode('examples/tail-export.ts', [], {}), /^tail-export: DEVFLOW_API_KEY is not set \(make a key with: npx devflow keys create --name examples --role read\)\n$/);
  failedWithOneLine(await example('tail-export', app.url, app.keys.read, ['--since', 'yesterday']), /^tail-export: --since must look like 30s, 15m, 2h or 7d, got yesterday\n$/);
  failedWithOneLine(await example('read-report', app.url, app.keys.read, ['--days', '0']), /^read-report: --days must be a whole number/);

  const closed = `http://127.0.0.1:${await freePort()}`;
  failedWithOneLine(await example('tail-export', closed, app.keys.read), new RegExp(`^tail-export: cannot reach ${closed}: ECONNREFUSED\\n$`));
});
