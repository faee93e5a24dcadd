import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helper.js';
import { freePort, ROOT } from '../support/server-process.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function portFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('SIGTERM to npm start\'s pid stops the server: it shuts down gracefully, the port is free, npm exits 0 quietly', { timeout: 90_000 }, async (t) => {
  const dbPath = join(tempDir(t), 'analytics.db');
  const port = await freePort();
  const npm = spawn(NPM, ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DEVFLOW_DB_PATH: dbPath, DEVFLOW_BALLAST_MIB: '0', DEVFLOW_SCHEDULER: 'false', LOG_LEVEL: 'info', npm_config_update_notifier: 'false' },
  });
  let stdout = '';
  let stderr = '';
  npm.stdout.on('data', (d) => (stdout += String(d)));
  npm.stderr.on('data', (d) => (stderr += String(d)));
  const npmExit = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
  const server: { pid?: number } = {};
  // Whatever happens, no server outlives the test (before the fix it did: npm's sh -c swallowed the signal).
  t.after(() => {
    if (server.pid !== undefined && alive(server.pid)) process.kill(server.pid, 'SIGKILL');
    if (npm.exitCode === null) npm.kill('SIGKILL');
  });

  await until('the server says it is listening', () => /Server listening at/.test(stdout), 30_000);
  // Each pino line carries the pid of the process that wrote it: the server's, not npm's.
  const serverPid = (JSON.parse(stdout.split('\n').find((l) => l.includes('Server listening at')) ?? '{}') as { pid?: number }).pid;
  assert.ok(serverPid && serverPid !== npm.pid, `the server's own pid (npm is ${npm.pid}): ${stdout}`);
  server.pid = serverPid;
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);

  process.kill(npm.pid!, 'SIGTERM');
  await until('the server process is gone', () => !alive(serverPid), 10_000);
  await until('the port is free', () => portFree(port), 5_000);
  assert.equal(await npmExit, 0, stderr);

  assert.match(stdout, /"signal":"SIGTERM".*shutting down: finishing in-flight requests/, 'the graceful shutdown ran');
  const wal = `${dbPath}-wal`;
  assert.ok(!existsSync(wal) || statSync(wal).size === 0, 'the store closed: WAL checkpointed and truncated');
  assert.match(stdout, /^> devflow-analytics@[\d.]+ start$/m, 'npm announces the script as usual');
  const odd = stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('> ') && !l.startsWith('{"level":30'));
  assert.deepEqual(odd, [], 'nothing on stdout but npm\'s header and info logs');
  assert.doesNotMatch(stderr, /npm (error|ERR!)|signal|Lifecycle script/i, 'npm reports no failure');
});
