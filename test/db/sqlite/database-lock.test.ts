import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { DatabaseInUseError, holdDatabaseLock, lockExclusive, lockFileOf, openUnderLock } from '../../../src/db/sqlite/database-lock.js';
import { openSqliteStore } from '../../../src/db/sqlite/store.js';
import { newId } from '../../../src/lib/ids.js';
import { openTestStore, tempDir } from '../../helper.js';
import { ROOT } from '../../support/server-process.js';

test('shared holders coexist; the exclusive lock fails at once while any holds it, and works once all let go', (t) => {
  const path = join(tempDir(t), 'analytics.db');
  const a = holdDatabaseLock(path, 0);
  const b = holdDatabaseLock(path, 0);
  assert.equal(statSync(lockFileOf(path)).mode & 0o777, 0o600, 'the lock file is private, like the database');
  assert.throws(() => lockExclusive(path), (err: unknown) => err instanceof DatabaseInUseError && err.message.includes(lockFileOf(path)));
  a.release();
  assert.throws(() => lockExclusive(path), DatabaseInUseError, 'one holder left is enough');
  b.release();
  b.release(); // twice is harmless
  const exclusive = lockExclusive(path);
  assert.throws(() => holdDatabaseLock(path, 0), /is being restored \(devflow restore holds/);
  exclusive.release();
  holdDatabaseLock(path, 0).release();
});

/** A real second process that takes the lock (shared or exclusive), says "held", and keeps it until told or killed. */
function lockingChild(t: TestContext, path: string, mode: 'shared' | 'exclusive', releaseAfterMs: number) {
  const code = `import { holdDatabaseLock, lockExclusive } from './src/db/sqlite/database-lock.ts';
    const lock = ${mode === 'shared' ? 'holdDatabaseLock(process.argv[1], 0)' : 'lockExclusive(process.argv[1])'};
    console.log('held');
    setTimeout(() => lock.release(), ${releaseAfterMs});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, path], { cwd: ROOT });
  t.after(() => child.kill('SIGKILL'));
  const held = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('held') && resolve());
    child.on('exit', (c) => reject(new Error(`lock child exited with ${c}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { child, held, exited };
}

test('a holder waits up to its timeout for a restore in another process to finish', async (t) => {
  const path = join(tempDir(t), 'analytics.db');
  const restorer = lockingChild(t, path, 'exclusive', 400);
  await restorer.held;
  const started = Date.now();
  holdDatabaseLock(path, 10_000).release();
  assert.ok(Date.now() - started >= 200, 'it waited for the other process');
});

test('a holder that crashes (SIGKILL) leaves no stale lock: the kernel drops it with the process', async (t) => {
  const path = join(tempDir(t), 'analytics.db');
  const server = lockingChild(t, path, 'shared', 600_000);
  await server.held;
  assert.throws(() => lockExclusive(path), DatabaseInUseError);
  server.child.kill('SIGKILL');
  await server.exited;
  lockExclusive(path).release();
});

test('an open store holds the lock until it closes; :memory: has no lock file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'analytics.db');
  const store = openTestStore(t, path);
  assert.throws(() => lockExclusive(path), DatabaseInUseError);
  await store.close();
  lockExclusive(path).release();
  const memory = openTestStore(t, ':memory:');
  await memory.close();
  assert.equal(existsSync(lockFileOf(':memory:')), false);
});

test('a store does not open a database while a restore holds it, and says why', (t) => {
  const path = join(tempDir(t), 'analytics.db');
  const exclusive = lockExclusive(path);
  t.after(() => exclusive.release());
  assert.throws(() => openTestStore(t, path, { busyTimeoutMs: 0 }), /is being restored/);
  assert.equal(existsSync(path), false, 'the database file was not created under the restore');
});

test('where the folder is not a usable folder the open goes first, so its own error (not the lock file\'s) is the one reported', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  const fromOpen = new Error('the open explains the path');
  for (const path of [join(file, 'analytics.db'), join(dir, 'missing', 'analytics.db')]) {
    assert.throws(() => openUnderLock(path, 0, () => { throw fromOpen; }), (err: unknown) => err === fromOpen);
  }
});

test('a store whose last writes fail at close (a full disk) still closes its file and lets go of the lock', async (t) => {
  const path = join(tempDir(t), 'analytics.db');
  const store = openSqliteStore({ path, groupCommitMs: 0, moveEveryMs: 60_000, rollups: true, exactReportCalls: 20_000, ballastMiB: 0, now: Date.now, log: { warn: () => undefined, error: () => undefined } });
  const session = newId();
  await store.sessions.create({ id: session, profile: null, type: 'agent', project: null, startedAt: Date.now(), at: Date.now() });
  const calls = Array.from({ length: 2000 }, (_, i) => ({ sessionId: session, toolName: `tool-${i % 9}`, durationMs: i, status: 'success' as const, errorType: null, timestamp: Date.now() - i }));
  await store.toolCalls.append(calls, { allOrNothing: true });
  const sql = store.sqlite.db.$client;
  sql.pragma(`max_page_count = ${Number(sql.pragma('page_count', { simple: true }))}`); // moving the staged calls needs pages
  await assert.rejects(store.close(), /full/);
  assert.equal(sql.open, false, 'the file is closed');
  lockExclusive(path).release();
});
