import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { main } from '../src/cli/main.js';
import { testConfig } from '../src/config.js';
import { auth, tempDir } from './helper.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const BIN = join(ROOT, 'bin/devflow.js');

/** code is -1 when the process had to be killed. */
type Run = { code: number; stdout: string; stderr: string };

/** Runs the CLI as a child process, the way an operator does, with only the given environment. */
function cli(args: string[], env: Record<string, string>, via: 'tsx' | 'bin' = 'tsx', timeoutMs = 60_000): Promise<Run> {
  const argv = via === 'bin' ? [BIN, ...args] : ['--import', 'tsx', MAIN, ...args];
  return new Promise((resolve) => {
    // Only PATH (and c8's coverage folder, so the child counts too) leak in from the test's environment.
    const coverage = process.env.NODE_V8_COVERAGE ? { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE } : {};
    // A hang (the old recursive mkdir on procfs) ends in SIGKILL and code -1, not a stuck test.
    const options = { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...coverage, ...env }, timeout: timeoutMs, killSignal: 'SIGKILL' as const };
    execFile(process.execPath, argv, options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function dbEnv(t: Parameters<typeof tempDir>[0]): Record<string, string> {
  return { DEVFLOW_DB_PATH: join(tempDir(t), 'data', 'analytics.db') };
}

/** The CLI in-process (for the many usage cases; a child process costs a second each). */
async function inProcess(args: string[], env: Record<string, string>): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { env, out: (l) => void out.push(l), err: (l) => void err.push(l) });
  return { code, stdout: out.map((l) => `${l}\n`).join(''), stderr: err.map((l) => `${l}\n`).join('') };
}

test('as a process: help exits 0 with the command list, through tsx and through bin/devflow.js; misuse exits 2', async (t) => {
  const env = dbEnv(t);
  const [help, viaBin, misuse] = await Promise.all([cli(['--help'], env), cli(['help'], env, 'bin'), cli(['keys', 'create', '--name', 'x'], env, 'bin')]);
  for (const run of [help, viaBin]) {
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Usage: devflow <command>/);
    assert.match(run.stdout, /keys .*API keys/);
    assert.match(run.stdout, /migrate/);
  }
  assert.equal(misuse.code, 2);
  assert.equal(misuse.stderr, "devflow: keys create needs --name NAME and --role ROLE (see: devflow help keys)\n");
  assert.equal(misuse.stdout, '');
});

test('usage texts: devflow help, --help, -h, help <command>, <command> --help', async (t) => {
  const env = dbEnv(t);
  for (const args of [['help'], ['--help'], ['-h']]) {
    const run = await inProcess(args, env);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Commands:$/m);
    assert.match(run.stdout, /^ {2}keys +create, list and revoke API keys$/m);
    assert.match(run.stdout, /^ {2}migrate +apply pending database migrations$/m);
  }
  for (const args of [['help', 'keys'], ['keys', '--help'], ['keys', 'create', '--help'], ['keys', 'list', '-h']]) {
    const run = await inProcess(args, env);
    assert.equal(run.code, 0, args.join(' '));
    assert.match(run.stdout, /devflow keys create --name NAME --role read\|ingest\|admin \[--expires-at TIME\]/);
    assert.match(run.stdout, /devflow keys revoke ID/);
  }
  for (const args of [['help', 'migrate'], ['migrate', '--help']]) {
    assert.match((await inProcess(args, env)).stdout, /devflow migrate/);
  }
  assert.ok(!existsSync(env.DEVFLOW_DB_PATH!), 'help touches no database');
});

test('misuse exits 2 with one line on stderr and touches no database', async (t) => {
  const env = dbEnv(t);
  const misuse: Array<[string[], RegExp]> = [
    [[], /a command is needed/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['constructor'], /unknown command 'constructor'/],
    [['keys'], /keys needs a subcommand/],
    [['keys', 'rotate'], /unknown keys subcommand 'rotate'/],
    [['keys', 'create', '--name', 'x'], /needs --name NAME and --role ROLE/],
    [['keys', 'create', '--name', 'x', '--role', 'root'], /--role must be one of read, ingest, admin/],
    [['keys', 'create', '--name', 'x', '--role', 'read', '--colour'], /Unknown option '--colour'/],
    [['keys', 'create', '--name', 'x', '--role', 'read', 'extra'], /unexpected argument 'extra'/],
    [['keys', 'create', '--name', 'x', '--role'], /--role/],
    [['keys', 'create', '--name', 'x', '--role', 'read', '--expires-at', 'tomorrow'], /--expires-at must be an RFC 3339 time/],
    [['keys', 'create', '--name', 'x', '--role', 'read', '--expires-at', '1000'], /--expires-at must be an RFC 3339 time/],
    [['keys', 'create', '--name', '', '--role', 'read'], /--name must NOT have fewer than 1 characters/],
    [['keys', 'create', '--name', 'x'.repeat(101), '--role', 'read'], /--name must NOT have more than 100 characters/],
    [['keys', 'revoke'], /needs the key id/],
    [['keys', 'revoke', 'abc'], /'abc' is not a key id/],
    [['keys', 'revoke', '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d', 'more'], /unexpected argument 'more'/],
    [['keys', 'list', 'extra'], /unexpected argument 'extra'/],
    [['migrate', 'now'], /unexpected argument 'now'/],
    [['help', 'nope'], /unknown command 'nope'/],
    [['help', 'keys', 'list'], /help takes at most one command name/],
  ];
  for (const [args, message] of misuse) {
    const run = await inProcess(args, env);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message, args.join(' '));
    assert.match(run.stderr, /^devflow: .*\(see: devflow help( \w+)?\)\n$/);
    assert.equal(run.stderr.split('\n').length, 2, `one line: ${run.stderr}`);
    assert.equal(run.stdout, '');
  }
  assert.ok(!existsSync(env.DEVFLOW_DB_PATH!), 'misuse touches no database');
  const past = await inProcess(['keys', 'create', '--name', 'x', '--role', 'read', '--expires-at', '2020-01-01T00:00:00Z'], env);
  assert.equal(past.code, 2);
  assert.match(past.stderr, /--expires-at must be in the future/);
  const unreal = await inProcess(['keys', 'create', '--name', 'x', '--role', 'read', '--expires-at', '2099-02-30T00:00:00Z'], env);
  assert.equal(unreal.code, 2);
  assert.match((await inProcess(['keys', 'list'], env)).stdout, /No API keys/, 'refused creations wrote nothing');
});

test('as processes: commands on data refuse a database that does not exist (exit 2, one line), and create none', async (t) => {
  const env = dbEnv(t);
  const path = env.DEVFLOW_DB_PATH!;
  const line = `devflow: invalid configuration: DEVFLOW_DB_PATH: no database at ${path}; start the server or run \`devflow migrate\` first\n`;
  const commands = [['keys', 'list'], ['rollups', 'status', '--json'], ['retention', 'run', '--dry-run']];
  const runs = await Promise.all(commands.map((args) => cli(args, env)));
  for (const [i, run] of runs.entries()) {
    const what = commands[i]!.join(' ');
    assert.equal(run.code, 2, `${what}: ${run.stderr}`);
    assert.equal(run.stderr, line, what);
    assert.equal(run.stdout, '', what);
  }
  for (const args of [['keys', 'revoke', '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d'], ['rollups', 'rebuild']]) {
    const run = await inProcess(args, env);
    assert.equal(run.code, 2, args.join(' '));
    assert.equal(run.stderr, line, args.join(' '));
  }
  assert.ok(!existsSync(path) && !existsSync(join(path, '..')), 'neither the file nor its folder was created');

  const migrated = await cli(['migrate'], env);
  assert.equal(migrated.code, 0, migrated.stderr);
  const listed = await inProcess(['keys', 'list'], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /No API keys/, 'once migrate made it, the same command works');
  // keys create is the one command that may make the database: a key can be made before the first start.
  const elsewhere = dbEnv(t);
  const created = await inProcess(['keys', 'create', '--name', 'first', '--role', 'admin'], elsewhere);
  assert.equal(created.code, 0, created.stderr);
  assert.ok(existsSync(elsewhere.DEVFLOW_DB_PATH!));
});

test('as processes: a database path that cannot be made fails at once, naming DEVFLOW_DB_PATH', async (t) => {
  const file = join(tempDir(t), 'plain-file');
  writeFileSync(file, '');
  const [proc, underFile] = await Promise.all([
    cli(['migrate'], { DEVFLOW_DB_PATH: '/proc/x/a.db' }, 'bin', 20_000),
    cli(['migrate'], { DEVFLOW_DB_PATH: join(file, 'a.db') }, 'bin', 20_000),
  ]);
  assert.equal(proc.code, 2, `no hang, exit 2: ${proc.stderr}`);
  assert.match(proc.stderr, /^devflow: invalid configuration: DEVFLOW_DB_PATH: \/proc\/x\/a\.db is not usable: its folder \/proc\/x cannot be created \(E[A-Z]+: [^)]+\)\n$/);
  assert.equal(underFile.code, 2, underFile.stderr);
  assert.equal(underFile.stderr, `devflow: invalid configuration: DEVFLOW_DB_PATH: ${join(file, 'a.db')} is not usable: ${file} is a file, not a folder\n`);
  const folder = await inProcess(['migrate'], { DEVFLOW_DB_PATH: join(file, '..') });
  assert.equal(folder.code, 2);
  assert.equal(folder.stderr, `devflow: invalid configuration: DEVFLOW_DB_PATH: ${join(file, '..')} is not usable: it is a folder; give the path of a file in it\n`);
});

test('a bad configuration exits 2 naming the variable', async (t) => {
  const run = await inProcess(['keys', 'list'], { ...dbEnv(t), DEVFLOW_BUSY_TIMEOUT_MS: 'soon' });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /DEVFLOW_BUSY_TIMEOUT_MS/);
});

test('migrate creates the private database and is idempotent', async (t) => {
  const env = dbEnv(t);
  const first = await cli(['migrate'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /applied [1-9]\d* migrations?; \d+ in total/);
  assert.equal(statSync(env.DEVFLOW_DB_PATH!).mode & 0o777, 0o600);
  assert.equal(statSync(join(env.DEVFLOW_DB_PATH!, '..')).mode & 0o777, 0o700);
  const second = await inProcess(['migrate'], env);
  assert.equal(second.code, 0);
  assert.match(second.stdout, /applied 0 migrations/);
});

test('keys create, list, revoke: the key works on the app over the same file until revoked', async (t) => {
  const env = dbEnv(t);
  const created = await cli(['keys', 'create', '--name', 'ops', '--role', 'admin', '--json'], env);
  assert.equal(created.code, 0, created.stderr);
  const key = JSON.parse(created.stdout) as { id: string; key: string; prefix: string; role: string; name: string };
  assert.match(key.key, /^dfa_/);
  assert.equal(key.role, 'admin');
  assert.match(created.stderr, /shown only this once/);

  const human = await inProcess(['keys', 'create', '--name', 'ingest-bot', '--role', 'ingest', '--expires-at', new Date(Date.now() + 86_400_000 * 30).toISOString()], env);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^id +[0-9a-f-]{36}$/m);
  const ingestKey = /^key +(dfa_\S+)$/m.exec(human.stdout)?.[1];
  assert.ok(ingestKey, human.stdout);

  const [listJson, table] = [await cli(['keys', 'list', '--json'], env), await inProcess(['keys', 'list'], env)];
  assert.equal(listJson.code, 0);
  const items = JSON.parse(listJson.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(items.map((k) => k.name), ['ingest-bot', 'ops']);
  assert.ok(!listJson.stdout.includes(key.key) && !listJson.stdout.includes(ingestKey), 'no secrets in the list');
  assert.ok(items.every((k) => !('key' in k) && !('hash' in k)));
  assert.match(table.stdout, /^ID +NAME +ROLE +PREFIX +CREATED +LAST USED +EXPIRES +STATE$/m);
  assert.match(table.stdout, new RegExp(`^${key.id} +ops +admin +${key.prefix.replace(/[-_]/g, '\\$&')} .* active$`, 'm'));
  assert.ok(!table.stdout.includes(key.key));

  // The server on the same file (no DEVFLOW_ADMIN_KEY: the CLI's key is the only admin).
  const app = await buildApp(testConfig({ dbPath: env.DEVFLOW_DB_PATH! }));
  t.after(() => app.close());
  await app.ready();
  assert.ok(!existsSync(join(env.DEVFLOW_DB_PATH!, '..', 'admin.key')), 'keys exist, so no bootstrap key');
  const ok = await app.inject({ url: '/v1/api-keys', headers: auth(key.key) });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.json().items.length, 2);
  assert.equal((await app.inject({ url: '/v1/api-keys', headers: auth(ingestKey) })).statusCode, 403);

  const revoked = await cli(['keys', 'revoke', key.id.toUpperCase()], env);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(revoked.stdout.trim(), `revoked ${key.id}`);
  const refused = await app.inject({ url: '/v1/api-keys', headers: auth(key.key) });
  assert.equal(refused.statusCode, 401, 'the running server refuses it on the next request');
  assert.equal(refused.headers['www-authenticate'], 'Bearer');

  const after = await inProcess(['keys', 'list'], env);
  assert.match(after.stdout, new RegExp(`^${key.id} .* revoked$`, 'm'));
  assert.match(after.stdout, /ingest-bot .* active$/m);
  const lastUsed = JSON.parse((await inProcess(['keys', 'list', '--json'], env)).stdout).find((k: { id: string }) => k.id === key.id);
  assert.match(lastUsed.lastUsedAt, /Z$/, 'use by the server shows in the CLI list');

  const unknown = await inProcess(['keys', 'revoke', '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d'], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^devflow: no API key 0193a0b2/);
});

