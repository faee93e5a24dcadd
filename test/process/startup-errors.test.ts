import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helper.js';
import { runNode } from '../support/run-process.js';

const SERVER = 'src/server.ts';
/** No 64 MiB reserve, no schedule, any free port (tests run side by side): what a test sets differs. */
const BASE = { DEVFLOW_BALLAST_MIB: '0', DEVFLOW_SCHEDULER: 'false', LOG_LEVEL: 'info', PORT: '0' };

function assertOneLine(stderr: string, pattern: RegExp, what: string): void {
  assert.match(stderr, pattern, what);
  assert.equal(stderr.split('\n').length, 2, `${what}: one line, got ${JSON.stringify(stderr)}`);
}

test('a database path where no folder can be made (/proc/x/a.db) exits 2 at once, naming DEVFLOW_DB_PATH', { timeout: 60_000 }, async () => {
  // Node's recursive mkdirSync looped for ever on procfs (mkdir /proc/x: ENOENT, /proc: EEXIST).
  const run = await runNode(SERVER, [], { ...BASE, DEVFLOW_DB_PATH: '/proc/x/a.db' }, 20_000);
  assert.equal(run.timedOut, false, `hung: ${run.stderr}`);
  assert.equal(run.code, 2, run.stderr);
  assertOneLine(run.stderr, /^devflow: invalid configuration: DEVFLOW_DB_PATH: \/proc\/x\/a\.db is not usable: its folder \/proc\/x cannot be created \(E[A-Z]+: [^)]+\)\n$/, 'server');
  assert.equal(run.stdout, '');
});

test('a database path under a regular file exits 2 naming DEVFLOW_DB_PATH, the path and the file in the way', { timeout: 60_000 }, async (t) => {
  const file = join(tempDir(t), 'hostname');
  writeFileSync(file, 'not a folder\n');
  const paths = [join(file, 'a.db'), join(file, 'sub', 'a.db')];
  const runs = await Promise.all(paths.map((path) => runNode(SERVER, [], { ...BASE, DEVFLOW_DB_PATH: path })));
  for (const [i, run] of runs.entries()) {
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr, `devflow: invalid configuration: DEVFLOW_DB_PATH: ${paths[i]} is not usable: ${file} is a file, not a folder\n`);
  }
});

test('a file that is not a SQLite database (or a damaged one) exits 2 naming DEVFLOW_DB_PATH, the path and what to do, for the server and devflow', { timeout: 60_000 }, async (t) => {
  const path = join(tempDir(t), 'analytics.db');
  writeFileSync(path, Buffer.alloc(8192, 'not a database '));
  const line = `devflow: invalid configuration: DEVFLOW_DB_PATH: ${path} is not usable: it is not a SQLite database or it is damaged (file is not a database); point DEVFLOW_DB_PATH at another file, or put a backup in its place with \`devflow restore\`\n`;
  const runs = await Promise.all([runNode(SERVER, [], { ...BASE, DEVFLOW_DB_PATH: path }), runNode('src/cli/main.ts', ['keys', 'list'], { DEVFLOW_DB_PATH: path })]);
  for (const run of runs) {
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr, line);
  }
});

test('a port in use: exit 1 with one line naming PORT, before any database, admin key or scheduler', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'data', 'analytics.db');
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.after(() => holder.close());
  const { port } = holder.address() as { port: number };
  const run = await runNode(SERVER, [], { ...BASE, DEVFLOW_SCHEDULER: 'true', DEVFLOW_DB_PATH: dbPath, PORT: String(port) });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stderr, `devflow: cannot listen on 127.0.0.1:${port}: the port is in use (set PORT to another port)\n`);
  assert.equal(run.stdout, '', 'no log lines: no scheduler started, no admin key created');
  assert.ok(!existsSync(join(dir, 'data', 'admin.key')), 'no admin key file');
  assert.ok(!existsSync(dbPath), 'no database, so no admin key in it');
});

test('LOG_LEVEL=loud exits 2 with one line naming the variable and the levels', { timeout: 30_000 }, async (t) => {
  const run = await runNode(SERVER, [], { ...BASE, LOG_LEVEL: 'loud', DEVFLOW_DB_PATH: join(tempDir(t), 'a.db') });
  assert.equal(run.code, 2);
  assert.equal(run.stderr, 'devflow: invalid configuration: LOG_LEVEL: invalid value "loud": must be one of fatal, error, warn, info, debug, trace, silent\n');
});
