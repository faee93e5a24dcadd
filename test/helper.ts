import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../src/app.js';
import { testConfig, type Config } from '../src/config.js';
import { openSqliteStore, type SqliteInternals, type SqliteStore, type SqliteStoreOptions } from '../src/db/sqlite/store.js';

export const ADMIN_KEY = 'dfa_test_admin_key_0123456789abcdef';

export type TestApp = FastifyInstance & {
  keys: { admin: string; read: string; ingest: string };
  dir: string;
  /** The SQLite engine's own connection and settle(), for tests that look at its tables. */
  sqlite: SqliteInternals;
};

type TestRunContext = Pick<TestContext, 'after'>;

/** A temp folder removed after the test. */
export function tempDir(t: TestRunContext, prefix = 'devflow-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The real app on a fresh SQLite file with real migrations, closed after the test. It has an
 * admin key from DEVFLOW_ADMIN_KEY plus a read and an ingest key.
 */
export async function build(
  t: TestRunContext,
  overrides: Partial<Config> = {},
  options: BuildOptions = {},
): Promise<TestApp> {
  const dir = tempDir(t);
  const config = testConfig({ dbPath: join(dir, 'analytics.db'), adminKey: ADMIN_KEY, rateLimitMax: 0, ...overrides });
  const app = (await buildApp(config, options)) as TestApp;
  t.after(() => app.close());
  await app.ready();
  app.dir = dir;
  app.sqlite = (app.store as SqliteStore).sqlite;
  app.keys = {
    admin: ADMIN_KEY,
    read: (await app.services.apiKeys.create({ name: 'test-read', role: 'read' })).key,
    ingest: (await app.services.apiKeys.create({ name: 'test-ingest', role: 'ingest' })).key,
  };
  return app;
}

export const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/** Asserts shape common to every problem response and returns the parsed body. */
export function problemOf(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  const body = JSON.parse(res.body) as { type: string; title: string; status: number; detail: string; code: string; errors?: Array<{ path: string; message: string }> };
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${String(res.headers['content-type'])}: ${res.body}`);
  }
  for (const field of ['type', 'title', 'status', 'detail', 'code'] as const) {
    if (body[field] === undefined) throw new Error(`problem lacks ${field}: ${res.body}`);
  }
  if (body.status !== res.statusCode) throw new Error(`problem status ${body.status} != ${res.statusCode}`);
  return body;
}

/** Starts a session with the ingest key (default type test) and returns it; throws unless 201. */
export async function createSession(app: TestApp, body: Record<string, unknown> = { type: 'test' }) {
  const res = await app.inject({ method: 'POST', url: '/v1/sessions', headers: auth(app.keys.ingest), payload: body });
  if (res.statusCode !== 201) throw new Error(`createSession: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; profileId: number | null; type: string; status: string; project: string | null; startedAt: string; [k: string]: unknown };
}

/** The SQLite store alone (no app) over a file, as the server opens it; closed after the test. */
export function openTestStore(t: TestRunContext, path: string, overrides: Partial<SqliteStoreOptions> = {}): SqliteStore {
  const quiet = { warn: () => undefined, error: () => undefined };
  const store = openSqliteStore({ path, groupCommitMs: 0, rollups: true, exactReportCalls: 20_000, ballastMiB: 0, now: Date.now, log: quiet, ...overrides });
  t.after(() => store.close());
  return store;
}
