import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { buildApp } from '../src/app.js';
import { testConfig, type Config } from '../src/config.js';
import { openDatabase, closeDatabase } from '../src/db/sqlite/client.js';
import { runMigrations } from '../src/db/sqlite/migrate.js';
import { settings } from '../src/db/sqlite/schema/index.js';
import retentionScheduler from '../src/plugins/retention-scheduler.js';
import { writeTransaction } from '../src/db/sqlite/client.js';
import { acquireLease, currentLease } from '../src/db/sqlite/retention/lease.js';
import type { SqliteStore } from '../src/db/sqlite/store.js';
import { ADMIN_KEY, auth, tempDir } from './helper.js';
import { DAY, seedSession, seedToolCalls } from './services/retention-seed.js';

type Runs = Array<{ trigger: string; status: string; error: string | null }>;

function configFor(dbPath: string, overrides: Partial<Config> = {}): Config {
  return testConfig({ dbPath, adminKey: ADMIN_KEY, rateLimitMax: 0, ...overrides });
}

/** The app with the scheduler on, closed after the test unless the test closed it. */
async function start(t: TestContext, dbPath: string, catchUpDelayMs?: number) {
  const app = await buildApp(configFor(dbPath));
  await app.register(retentionScheduler, { catchUpDelayMs });
  let closed = false;
  t.after(() => (closed ? undefined : app.close()));
  await app.ready();
  return Object.assign(app, {
    db: (app.store as SqliteStore).sqlite.db,
    async shut() {
      closed = true;
      await app.close();
    },
  });
}

/** Reads the history through a separate connection (works after the app closed its own). */
function runsOnFile(dbPath: string): Runs {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('select trigger, status, error from retention_runs order by id').all() as Runs;
  } finally {
    db.close();
  }
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

test('buildApp registers the scheduler only when config.scheduler is true', async (t) => {
  const dir = tempDir(t);
  const on = await buildApp(configFor(join(dir, 'a.db'), { scheduler: true }));
  t.after(() => on.close());
  await on.ready();
  assert.equal(on.retentionScheduler.pattern(), '30 3 * * *');
  assert.equal(on.retentionScheduler.catchUpAt(), null, 'a fresh file has missed nothing');
  const off = await buildApp(configFor(join(dir, 'b.db'), { scheduler: false }));
  t.after(() => off.close());
  assert.equal(off.hasDecorator('retentionScheduler'), false);
});

test('the scheduler fires on a fast schedule, follows a policy change at once, and stops on close', async (t) => {
  const dbPath = join(tempDir(t), 'analytics.db');
  const app = await start(t, dbPath);
  assert.equal(app.retentionScheduler.pattern(), '30 3 * * *');
  const put = await app.inject({
    method: 'PUT',
    url: '/v1/retention/policy',
    headers: { ...auth(ADMIN_KEY), 'content-type': 'application/json' },
    payload: { toolCallsDays: 90, sessionsDays: 365, productivityEventsDays: 365, featureUsageDays: 90, staleSessionHours: 24, schedule: '* * * * * *', vacuum: 'incremental' },
  });
  assert.equal(put.statusCode, 200);
  assert.equal(app.retentionScheduler.pattern(), '* * * * * *');
  assert.ok((app.retentionScheduler.nextRunAt()?.getTime() ?? Infinity) - Date.now() <= 1000);

  await until('two scheduled runs', async () => (await app.services.retention.listRuns({ limit: 10 })).items.filter((r) => r.trigger === 'scheduled').length >= 2);
  await app.shut();
  assert.equal(app.retentionScheduler.pattern(), null);
  const after = runsOnFile(dbPath).length;
  await sleep(1500);
  assert.equal(runsOnFile(dbPath).length, after, 'no run after close');
  assert.ok(runsOnFile(dbPath).every((r) => r.trigger === 'scheduled' && r.status === 'succeeded'));
});

test('a run missed while the server was down runs shortly after start', async (t) => {
  const dbPath = join(tempDir(t), 'analytics.db');
  const db = openDatabase({ path: dbPath });
  runMigrations(db);
  // The scheduler first ran here two days ago and never since: last night's 03:30 was missed.
  db.insert(settings).values({ key: 'retention.scheduler.since', value: Date.now() - 2 * DAY, updatedAt: Date.now() }).run();
  closeDatabase(db);

  const app = await start(t, dbPath, 50);
  assert.ok(app.retentionScheduler.catchUpAt());
  await until('the catch-up run', () => runsOnFile(dbPath).some((r) => r.trigger === 'scheduled' && r.status === 'succeeded'));
  assert.equal(app.retentionScheduler.catchUpAt(), null);
  await app.shut();

  // Restarted right away: the last scheduled run is newer than the last fire time, nothing to catch up.
  const again = await start(t, dbPath, 50);
  assert.equal(again.retentionScheduler.catchUpAt(), null);
});

test('a scheduled tick skips quietly while another process holds the lease', async (t) => {
  const dbPath = join(tempDir(t), 'analytics.db');
  const app = await start(t, dbPath);
  assert.ok(writeTransaction(app.db, (tx) => acquireLease(tx, 'other-process', Date.now())));
  await app.services.retention.putPolicy({ ...(await app.services.retention.getPolicy()), schedule: '* * * * * *' });
  await sleep(2200);
  assert.deepEqual(runsOnFile(dbPath), []);
  assert.equal(currentLease(app.db, Date.now())?.holder, 'other-process');
});

test('closing the server stops a scheduled run in progress before the database closes', async (t) => {
  const dbPath = join(tempDir(t), 'analytics.db');
  const app = await start(t, dbPath);
  const id = seedSession(app.db, { startedAt: Date.now() - 200 * DAY });
  seedToolCalls(app.db, id, 200_000, Date.now() - 200 * DAY);
  await app.services.retention.putPolicy({ ...(await app.services.retention.getPolicy()), schedule: '* * * * * *' });
  await until('a scheduled run to start', () => app.services.retention.isRunning());
  await app.shut();
  const runs = runsOnFile(dbPath);
  assert.equal(runs.length, 1);
  assert.equal(runs[0]?.status, 'failed');
  assert.match(runs[0]?.error ?? '', /shutting down/);
  const db = new Database(dbPath, { readonly: true });
  t.after(() => db.close());
  assert.equal((db.prepare("select count(*) as n from leases where name = 'retention'").get() as { n: number }).n, 0);
});
