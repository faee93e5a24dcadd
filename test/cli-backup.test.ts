import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { tempDir } from './helper.js';
import { ROOT, startServer, type ServerProcess } from './support/server-process.js';

const ADMIN = 'dfa_backup_process_admin_key_0000';
const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

type Run = { code: number; stdout: string; stderr: string };

/** The CLI as an operator runs it: a child process with only the given environment. */
function devflow(args: string[], env: Record<string, string>): Promise<Run> {
  const coverage = process.env.NODE_V8_COVERAGE ? { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE } : {};
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...coverage, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function start(t: TestContext, dbPath: string): Promise<ServerProcess> {
  const server = await startServer({ DEVFLOW_DB_PATH: dbPath, DEVFLOW_ADMIN_KEY: ADMIN, DEVFLOW_RATE_LIMIT: '0', LOG_LEVEL: 'warn' });
  t.after(() => server.child.kill('SIGKILL'));
  return server;
}

async function newSession(server: ServerProcess): Promise<string> {
  const res = await fetch(`${server.url}/v1/sessions`, { method: 'POST', headers, body: JSON.stringify({ type: 'agent' }) });
  return ((await res.json()) as { id: string }).id;
}

/** Posts batches of calls with client ids until stopped; `acked` holds the ids of every answered (committed) batch. */
function ingest(server: ServerProcess, sessionId: string) {
  const acked: string[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const items = Array.from({ length: 50 }, (_, i) => ({ id: randomUUID(), sessionId, toolName: `t${i % 4}`, durationMs: i, status: 'success' }));
      const res = await fetch(`${server.url}/v1/tool-calls`, { method: 'POST', headers, body: JSON.stringify({ items }) });
      assert.equal(res.status, 200, await res.clone().text());
      acked.push(...items.map((item) => item.id));
    }
  })();
  return { acked, stop: () => ((running = false), done) };
}

/** The ids of every tool call the server answers, through its NDJSON export. */
async function exportedIds(server: ServerProcess): Promise<Set<string>> {
  const body = await (await fetch(`${server.url}/v1/tool-calls/export`, { headers })).text();
  return new Set(body.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id));
}

function idsIn(file: string): Set<string> {
  const db = new Database(file, { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const ids = db.prepare('select id from tool_calls union all select id from tool_call_stage').pluck().all() as string[];
    return new Set(ids);
  } finally {
    db.close();
  }
}

const until = async (what: string, ok: () => boolean) => {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('backup while a server ingests, restore refused while it runs, restore after it stopped, and the server answers the restored rows', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'data', 'analytics.db');
  const env = { DEVFLOW_DB_PATH: dbPath };
  const backupFile = join(dir, 'copy.db');
  let server = await start(t, dbPath);
  const sessionId = await newSession(server);
  const load = ingest(server, sessionId);
  await until('some calls to be committed', () => load.acked.length >= 2000);

  const committedBefore = [...load.acked];
  const backup = await devflow(['backup', backupFile], env);
  await until('calls committed after the backup', () => load.acked.length > committedBefore.length + 500);
  await load.stop();
  assert.equal(backup.code, 0, backup.stderr);
  assert.match(backup.stdout, new RegExp(`^backup: ${backupFile}: \\d+\\.\\d MiB, [\\d,]+ tool calls, 1 sessions, 0 profiles, \\d+\\.\\d s\\n$`));
  const copied = idsIn(backupFile);
  const missing = committedBefore.filter((id) => !copied.has(id));
  assert.equal(missing.length, 0, `${missing.length} rows committed before the backup began are missing from it`);
  const acked = new Set(load.acked);
  assert.ok([...copied].every((id) => acked.has(id)), 'the copy holds only acknowledged rows');
  assert.ok(copied.size < acked.size, 'rows kept coming in after the backup');
  assert.equal(statSync(backupFile).mode & 0o777, 0o600);
  assert.equal(existsSync(`${backupFile}-wal`), false, 'the backup is one self-contained file');

  const refused = await devflow(['restore', backupFile], env);
  assert.equal(refused.code, 2);
  assert.equal(refused.stderr, `devflow: restore: refused: ${dbPath} is open in a running DevFlow server or devflow command (it holds ${dbPath}.lock); stop it first\n`);
  assert.equal((await exportedIds(server)).size, acked.size, 'the live database is untouched');

  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
  const restored = await devflow(['restore', backupFile], env);
  assert.equal(restored.code, 0, restored.stderr);
  const kept = /; the database it replaced is kept as (\S+) \(delete it once sure\)\n$/.exec(restored.stdout)?.[1];
  assert.ok(kept?.startsWith(`${dbPath}.replaced-`), restored.stdout);
  assert.match(restored.stdout, new RegExp(`^restore: ${dbPath} now holds ${backupFile}: \\d+\\.\\d MiB, [\\d,]+ tool calls, 1 sessions, 0 profiles, \\d+\\.\\d s; `));
  assert.equal(restored.stderr, '');
  const restoredFile = new Database(dbPath, { readonly: true });
  assert.equal(restoredFile.pragma('integrity_check', { simple: true }), 'ok', 'the restored file passes integrity_check');
  restoredFile.close();
  assert.deepEqual(idsIn(kept ?? ''), acked, 'the replaced database is kept whole: every row the server acknowledged');

  server = await start(t, dbPath);
  assert.deepEqual(await exportedIds(server), copied, 'the server answers exactly the restored rows');
  const session = (await (await fetch(`${server.url}/v1/sessions/${sessionId}`, { headers })).json()) as { toolCallCount: number };
  assert.equal(session.toolCallCount, copied.size);
});

test('after a server crash (SIGKILL) nothing stale blocks a restore, and its leftover -wal is not replayed into the restored file', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'analytics.db');
  const env = { DEVFLOW_DB_PATH: dbPath };
  const backupFile = join(dir, 'copy.db');
  let server = await start(t, dbPath);
  const sessionId = await newSession(server);
  const first = ingest(server, sessionId);
  await until('some calls', () => first.acked.length >= 500);
  await first.stop();
  assert.equal((await devflow(['backup', backupFile], env)).code, 0);
  const copied = idsIn(backupFile);

  const second = ingest(server, sessionId);
  await until('calls after the backup', () => second.acked.length >= 500);
  await second.stop();
  server.child.kill('SIGKILL');
  await server.exited;
  assert.ok(existsSync(`${dbPath}-wal`), 'the crash left a write-ahead log');

  const restored = await devflow(['restore', backupFile], env);
  assert.equal(restored.code, 0, restored.stderr);
  assert.equal(existsSync(`${dbPath}-wal`), false);
  assert.equal(existsSync(`${dbPath}-shm`), false);
  server = await start(t, dbPath);
  assert.deepEqual(await exportedIds(server), copied);
});
