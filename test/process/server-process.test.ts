import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { tempDir } from '../helper.js';
import { ROOT, startServer } from '../support/server-process.js';

const ADMIN = 'dfa_process_test_admin_key_000000';

test('npm start answers /healthz and creates the database; a second start applies nothing', async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'nested', 'analytics.db');
  const started = Date.now();
  const first = await startServer({ DEVFLOW_DB_PATH: dbPath });
  assert.ok(Date.now() - started < 10_000, 'answers /healthz within 10 s');
  const res = await fetch(`http://127.0.0.1:${first.port}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
  assert.equal(statSync(join(dir, 'nested')).mode & 0o777, 0o700);
  assert.equal(statSync(dbPath).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'nested', 'admin.key')).mode & 0o777, 0o600);
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);

  const second = await startServer({ DEVFLOW_DB_PATH: dbPath });
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
  const db = new Database(dbPath, { readonly: true });
  t.after(() => db.close());
  const migrations = db.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
  assert.ok(migrations.n >= 1);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('auto_vacuum', { simple: true }), 2);
  assert.doesNotMatch(second.output(), /created the first admin API key/, 'the second start keeps the existing key');
});

test('SIGTERM finishes the in-flight request, exits 0 and leaves no WAL content behind', async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'analytics.db');
  const server = await startServer({ DEVFLOW_DB_PATH: dbPath, DEVFLOW_ADMIN_KEY: ADMIN });
  const body = JSON.stringify({ name: 'in-flight', role: 'read' });
  const socket = connect(server.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let response = '';
  socket.on('data', (d) => (response += String(d)));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  // Headers and half the body now; the signal arrives while the request is in flight.
  socket.write(`POST /v1/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
  await new Promise((r) => setTimeout(r, 300));
  server.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  socket.end(body.slice(10));
  await closed;
  assert.match(response, /^HTTP\/1\.1 201/);
  assert.equal(await server.exited, 0);
  const wal = `${dbPath}-wal`;
  assert.ok(!existsSync(wal) || statSync(wal).size === 0, 'the WAL was checkpointed and truncated');
  const db = new Database(dbPath, { readonly: true });
  t.after(() => db.close());
  assert.equal((db.prepare("select count(*) as n from api_keys where name = 'in-flight'").get() as { n: number }).n, 1);
});

test('a bad configuration exits non-zero naming the variable', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env: { ...process.env, PORT: 'eighty' } });
  let err = '';
  child.stderr.on('data', (d) => (err += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.notEqual(code, 0);
  assert.match(err, /PORT/);
});
