import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { createPgPool, pgDatabase, type PgDb, type PgPoolOptions } from '../../src/db/pg/client.js';
import type { PgContext } from '../../src/db/pg/context.js';
import { migratePg, PG_MIGRATIONS_FOLDER } from '../../src/db/pg/migrate.js';
import { ciFailure, isCi, LANE_ENV, PG_TEST_URL, probePg, skipNotice, type LaneState } from './pg-lane.js';

/**
 * PostgreSQL for tests: `pgLane(t)` says whether the server answers (skipping the test, loudly,
 * when it does not; failing it under CI=true), and `freshPgDatabase(t)` gives the test its own
 * database, copied from a template migrated once (CREATE DATABASE … TEMPLATE copies files: a
 * few tens of milliseconds, against a second or so to migrate), dropped after the test.
 */

type TestRun = Pick<TestContext, 'after' | 'skip'>;

export type PgTestDatabase = {
  name: string;
  url: string;
  /** A pool on the test's database (the engine's own factory), closed before the database is dropped. */
  pool(options?: Partial<PgPoolOptions>): pg.Pool;
  /** Drizzle over a pool of its own. */
  db(): PgDb;
};

const TEST_PREFIX = 'devflow_test_';
const TEMPLATE_PREFIX = 'devflow_tpl_';
/** 'devftmpl': one process at a time builds templates and sweeps stale databases. */
const TEMPLATE_LOCK_KEY = '7234318558852640876';
const STALE_TEST_DB_MS = 3 * 3600_000;
const STALE_TEMPLATE_DAYS = 2;

let lane: Promise<LaneState> | undefined;
let noticeShown = false;
let templateBuild: Promise<string> | undefined;
let admin: pg.Pool | undefined;

/** The server's URL when the PostgreSQL lane runs; null (the test skipped) when it does not. */
export async function pgLane(t: TestRun): Promise<string | null> {
  const fromScript = process.env[LANE_ENV];
  lane ??= fromScript?.startsWith('skipped') ? Promise.resolve({ up: false, reason: fromScript.replace(/^skipped:\s*/, '') }) : probePg();
  const state = await lane;
  if (state.up) return PG_TEST_URL;
  if (isCi()) throw new Error(ciFailure(state.reason));
  // scripts/test-unit.ts printed the notice once for the whole run.
  if (!noticeShown && !fromScript) process.stderr.write(skipNotice(state.reason));
  noticeShown = true;
  t.skip(`PostgreSQL not reachable: ${state.reason}`);
  return null;
}

/**
 * A fresh database for this test, dropped after it: migrated (a copy of the template), or
 * empty with `{ migrated: false }`; null when the lane is skipped.
 */
export async function freshPgDatabase(t: TestRun, options: { migrated?: boolean } = {}): Promise<PgTestDatabase | null> {
  if ((await pgLane(t)) === null) return null;
  const name = `${TEST_PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  const source = options.migrated === false ? 'template0' : await templateDatabase();
  await adminPool().query(`create database ${name} template ${source}`);
  const url = urlOf(name);
  const pools: pg.Pool[] = [];
  const pool = (options: Partial<PgPoolOptions> = {}) => {
    const made = createPgPool({ url, applicationName: 'devflow-test', max: 4, ...options });
    pools.push(made);
    return made;
  };
  t.after(async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    await adminPool().query(`drop database if exists ${name} with (force)`);
  });
  return { name, url, pool, db: () => pgDatabase(pool()) };
}

/** The URL of another database on the test server. */
export function urlOf(database: string): string {
  const url = new URL(PG_TEST_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Connections to the server's maintenance database; idle ones do not keep the process alive. */
export function adminPool(): pg.Pool {
  admin ??= new pg.Pool({ connectionString: PG_TEST_URL, max: 2, allowExitOnIdle: true, application_name: 'devflow-test-admin' });
  return admin;
}

/**
 * The migrated template, named by a hash of migrations/pg (a changed migration gets a new one)
 * and the UTC day (the migration creates the weeks around the day it runs, so tests see the
 * partitions of now). Test files run in parallel processes: one at a time builds, under an
 * advisory lock; a build is complete once connections to it are closed (ALLOW_CONNECTIONS
 * false, also what lets CREATE DATABASE copy it), so a half-built one left by a killed
 * process is dropped and built again.
 */
function templateDatabase(): Promise<string> {
  templateBuild ??= (async () => {
    const name = `${TEMPLATE_PREFIX}${migrationsHash()}_${dayOf(Date.now())}`;
    const client = await adminPool().connect();
    try {
      await client.query('select pg_advisory_lock($1::bigint)', [TEMPLATE_LOCK_KEY]);
      const found = await client.query<{ datallowconn: boolean }>('select datallowconn from pg_database where datname = $1', [name]);
      if (found.rows[0]?.datallowconn === false) return name;
      await client.query(`drop database if exists ${name} with (force)`);
      await client.query(`create database ${name}`);
      await migratePg({ url: urlOf(name), applicationName: 'devflow-test-template' });
      await client.query(`alter database ${name} allow_connections false`);
      await sweepStale(client);
      return name;
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [TEMPLATE_LOCK_KEY]).catch(() => undefined);
      client.release();
    }
  })();
  return templateBuild;
}

/** Test databases a killed run left (over 3 h old) and templates of days before yesterday. */
async function sweepStale(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1 or datname like $2', [`${TEST_PREFIX}%`, `${TEMPLATE_PREFIX}%`]);
  for (const { datname } of rows) {
    const testAt = datname.startsWith(TEST_PREFIX) ? Number(datname.split('_')[2]) * 1000 : NaN;
    const templateDay = datname.startsWith(TEMPLATE_PREFIX) ? datname.split('_').at(-1) ?? '' : '';
    const stale = testAt < Date.now() - STALE_TEST_DB_MS || (templateDay !== '' && templateDay < dayOf(Date.now() - STALE_TEMPLATE_DAYS * 86_400_000));
    if (stale) await client.query(`drop database if exists ${datname} with (force)`);
  }
}

/** Every file of migrations/pg, names and contents. */
function migrationsHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  for (const file of walk(PG_MIGRATIONS_FOLDER).sort()) hash.update(relative(PG_MIGRATIONS_FOLDER, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 12);
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');

/**
 * A PgContext (src/db/pg/context.ts) on a fresh migrated database, as the store's parts get it;
 * null when the lane is skipped. `now` and `log` may be given; the log is quiet by default.
 */
export async function freshPgContext(t: TestRun, overrides: Partial<Pick<PgContext, 'now' | 'log'>> = {}): Promise<(PgContext & { database: PgTestDatabase }) | null> {
  const database = await freshPgDatabase(t);
  if (!database) return null;
  const pool = database.pool();
  const quiet = { warn: () => undefined, error: () => undefined };
  return { pool, db: pgDatabase(pool), now: overrides.now ?? Date.now, log: overrides.log ?? quiet, database };
}
