import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import { eq } from 'drizzle-orm';
import { sessions } from '../src/db/sqlite/schema/index.js';
import { acquireLease, currentLease, releaseLease } from '../src/db/sqlite/retention/lease.js';
import { ADMIN_KEY, auth, build, problemOf } from './helper.js';
import { DAY, seedSession, seedToolCalls } from './services/retention-seed.js';

const src = (file: string) => new URL(`../src/${file}`, import.meta.url).href;

/** A real second process running the given ESM code (through tsx) on the same database file. */
async function child(t: TestContext, code: string, env: Record<string, string>): Promise<{ proc: ChildProcess; line: () => Promise<string> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await once(proc, 'exit');
    }
  });
  const lines: string[] = [];
  const waiters: Array<(l: string) => void> = [];
  let buffered = '';
  proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let i;
    while ((i = buffered.indexOf('\n')) >= 0) {
      const l = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      const w = waiters.shift();
      if (w) w(l);
      else lines.push(l);
    }
  });
  const line = () => {
    const l = lines.shift();
    return l !== undefined ? Promise.resolve(l) : new Promise<string>((resolve) => waiters.push(resolve));
  };
  return { proc, line };
}

/** A second server process on the same file, listening on a free port. */
async function serverProcess(t: TestContext, dbPath: string): Promise<string> {
  const code = `
    import { buildApp } from ${JSON.stringify(src('app.ts'))};
    import { testConfig } from ${JSON.stringify(src('config.ts'))};
    const app = await buildApp(testConfig({ dbPath: process.env.DB, adminKey: process.env.KEY, rateLimitMax: 0 }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
    console.log('port ' + app.server.address().port);`;
  const { line } = await child(t, code, { DB: dbPath, KEY: ADMIN_KEY });
  const port = /^port (\d+)$/.exec(await line())?.[1];
  assert.ok(port);
  return `http://127.0.0.1:${port}`;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const post = (base: string, path: string) => fetch(`${base}${path}`, { method: 'POST', headers: auth(ADMIN_KEY) });

test('two processes on one file: whichever runs second gets 409 RETENTION_RUNNING', async (t) => {
  const app = await build(t);
  const dbPath = join(app.dir, 'analytics.db');
  const other = await serverProcess(t, dbPath);
  const seed = (n: number) => seedToolCalls(app.sqlite.db, seedSession(app.sqlite.db, { startedAt: Date.now() - 200 * DAY }), n, Date.now() - 200 * DAY);

  // The other process runs; this one is refused while its lease is held.
  seed(60_000);
  const theirs = post(other, '/v1/retention/run');
  await until('the other process to take the lease', () => currentLease(app.sqlite.db, Date.now()) !== null);
  const refused = await app.inject({ method: 'POST', url: '/v1/retention/run', headers: auth(ADMIN_KEY) });
  assert.equal(refused.statusCode, 409);
  assert.equal(problemOf(refused).code, 'RETENTION_RUNNING');
  const theirRun = await theirs;
  assert.equal(theirRun.status, 200);
  assert.equal(((await theirRun.json()) as { deleted: { toolCalls: number } }).deleted.toolCalls, 60_000);

  // And the other way round: this process runs, the other is refused (enough rows that the
  // run outlasts a round trip to the other process by far).
  seed(250_000);
  const ours = app.inject({ method: 'POST', url: '/v1/retention/run', headers: auth(ADMIN_KEY) });
  await until('this process to take the lease', () => app.services.retention.isRunning());
  const theirRefusal = await post(other, '/v1/retention/run?dryRun=true');
  assert.equal(theirRefusal.status, 409);
  assert.equal(((await theirRefusal.json()) as { code: string }).code, 'RETENTION_RUNNING');
  assert.ok(await app.services.retention.isRunning(), 'still running when the other process answered');
  assert.equal((await ours).statusCode, 200);

  const history = (await app.services.retention.listRuns({ limit: 10 })).items;
  assert.equal(history.length, 2, 'refused runs are not recorded');
  assert.ok(history.every((r) => r.status === 'succeeded'));
});

test('a holder that crashed blocks until its lease expires, then its run is taken over', async (t) => {
  const app = await build(t);
  const dbPath = join(app.dir, 'analytics.db');
  const code = `
    import { openDatabase } from ${JSON.stringify(src('db/sqlite/client.ts'))};
    import { acquireLease } from ${JSON.stringify(src('db/sqlite/retention/lease.ts'))};
    import { writeTransaction } from ${JSON.stringify(src('db/sqlite/client.ts'))};
    const db = openDatabase({ path: process.env.DB });
    const now = Date.now();
    if (!writeTransaction(db, (tx) => acquireLease(tx, 'crashing-process', now, 1500))) throw new Error('lease not free');
    db.$client.prepare("insert into retention_runs (trigger, dry_run, status, started_at, vacuum_mode, bytes_before) values ('cli', 0, 'running', ?, 'incremental', 0)").run(now);
    console.log('held');
    setInterval(() => {}, 1000);`;
  const { proc, line } = await child(t, code, { DB: dbPath });
  assert.equal(await line(), 'held');
  proc.kill('SIGKILL');
  await once(proc, 'exit');

  const blocked = await app.inject({ method: 'POST', url: '/v1/retention/run', headers: auth(ADMIN_KEY) });
  assert.equal(blocked.statusCode, 409);
  assert.equal(problemOf(blocked).code, 'RETENTION_RUNNING');

  await until('the lease to expire', () => currentLease(app.sqlite.db, Date.now()) === null);
  const res = await app.inject({ method: 'POST', url: '/v1/retention/run', headers: auth(ADMIN_KEY) });
  assert.equal(res.statusCode, 200);
  const [mine, crashed] = (await app.services.retention.listRuns({ limit: 10 })).items;
  assert.equal(mine?.status, 'succeeded');
  assert.equal(crashed?.trigger, 'cli');
  assert.equal(crashed?.status, 'failed');
  assert.match(crashed?.error ?? '', /interrupted/);
});

test('devflow retention run shares the lease with the server, and records its runs as cli', async (t) => {
  const app = await build(t);
  const env = { ...process.env, DEVFLOW_DB_PATH: join(app.dir, 'analytics.db') };
  const cli = async (...args: string[]) => {
    const proc = spawn(process.execPath, [new URL('../bin/devflow.js', import.meta.url).pathname, 'retention', 'run', ...args], { env });
    let out = '';
    let err = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const [code] = (await once(proc, 'exit')) as [number];
    return { code, out, err };
  };
  assert.ok(acquireLease(app.sqlite.db, 'the-server', Date.now()));
  const busy = await cli();
  assert.equal(busy.code, 1);
  assert.match(busy.err, /retention run is in progress/);
  releaseLease(app.sqlite.db, 'the-server');

  seedSession(app.sqlite.db, { status: 'failed', startedAt: Date.now() - 400 * DAY });
  const dry = await cli('--dry-run', '--json');
  assert.equal(dry.code, 0, dry.err);
  const run = JSON.parse(dry.out) as { trigger: string; dryRun: boolean; deleted: { sessions: number } };
  assert.equal(run.trigger, 'cli');
  assert.equal(run.dryRun, true);
  assert.equal(run.deleted.sessions, 1);
  const real = await cli();
  assert.equal(real.code, 0, real.err);
  assert.match(real.out, /deleted 0 tool calls, 1 sessions/);
  assert.equal((await app.services.retention.listRuns({ limit: 10 })).items.length, 2);
});

test('a writer in another process keeps getting the write lock while a run deletes', async (t) => {
  const app = await build(t);
  const dbPath = join(app.dir, 'analytics.db');
  const old = seedSession(app.sqlite.db, { startedAt: Date.now() - 200 * DAY });
  seedToolCalls(app.sqlite.db, old, 400_000, Date.now() - 200 * DAY);
  const live = seedSession(app.sqlite.db, { startedAt: Date.now() - 60_000 });
  const code = `
    import { openDatabase, writeTransaction } from ${JSON.stringify(src('db/sqlite/client.ts'))};
    import { newId } from ${JSON.stringify(src('lib/ids.ts'))};
    const db = openDatabase({ path: process.env.DB, busyTimeoutMs: 5000 });
    const insert = db.$client.prepare("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (?, ?, 'Edit', 1, 'success', ?)");
    const bump = db.$client.prepare('update sessions set tool_call_count = tool_call_count + 1 where id = ?');
    console.log('ready');
    await new Promise((r) => process.stdin.once('data', r));
    let ok = 0, failed = 0, maxMs = 0;
    const end = Date.now() + 1500;
    while (Date.now() < end) {
      const t0 = performance.now();
      try { writeTransaction(db, () => { insert.run(newId(), process.env.SESSION, Date.now()); bump.run(process.env.SESSION); }); ok++; } catch { failed++; }
      maxMs = Math.max(maxMs, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
    console.log(JSON.stringify({ ok, failed, maxMs }));
    db.$client.close();`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { env: { ...process.env, DB: dbPath, SESSION: live }, stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => proc.kill('SIGKILL'));
  const lines = proc.stdout.setEncoding('utf8');
  let out = '';
  lines.on('data', (c: string) => (out += c));
  await until('the writer to start', () => out.includes('ready'));
  const run = app.services.retention.run();
  await until('the run to take the lease', () => app.services.retention.isRunning());
  proc.stdin.write('go\n');
  await until('the writer to finish', () => out.includes('maxMs'), 30_000);
  const result = JSON.parse(out.split('\n')[1] ?? '{}') as { ok: number; failed: number; maxMs: number };
  t.diagnostic(JSON.stringify(result));
  assert.ok(await app.services.retention.isRunning(), 'the run outlasted the writer');
  assert.equal(result.failed, 0);
  assert.ok(result.ok > 30, `writes went through (${result.ok}; back-to-back slices let ~5 through)`);
  assert.equal((await run).deleted.toolCalls, 400_000);
  assert.equal(app.sqlite.db.select().from(sessions).where(eq(sessions.id, live)).get()?.toolCallCount, result.ok);
});
