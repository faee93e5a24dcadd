import type pg from 'pg';
import { connectPg } from './connect.js';
import { pgDatabase, type PgDb, type PgPoolOptions } from './client.js';
import { migratePg } from './migrate.js';

export type PgLog = { warn: (obj: object, msg?: string) => void; error: (obj: object, msg?: string) => void; info?: (obj: object, msg?: string) => void };

export type PgContextOptions = PgPoolOptions & {
  /** How long to wait for the server at start (DEVFLOW_DB_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
  /** Stops the wait for the server (the process is shutting down). */
  signal?: AbortSignal;
  now: () => number;
  log: PgLog;
};

/**
 * What every part of the PostgreSQL store works with: the pool, Drizzle over it (typed by the
 * engine's schema), the clock and the log. Parts are plain functions of it (createPgXxx(ctx)),
 * as the SQLite engine's parts are of its Db.
 */
export type PgContext = {
  readonly pool: pg.Pool;
  readonly db: PgDb;
  readonly now: () => number;
  readonly log: PgLog;
};

/**
 * Waits for the server (connect.ts: backoff until the deadline), applies pending migrations
 * under the advisory lock (migrate.ts: N replicas migrate once), then answers the context. The
 * pool is closed again when anything fails, so a failed start leaves no connection behind.
 */
export async function openPgContext(options: PgContextOptions): Promise<PgContext> {
  const pool = await connectPg({
    ...options,
    onRetry: ({ attempt, delayMs, cause }) => options.log.warn({ attempt, delayMs, cause }, 'PostgreSQL not answering yet; retrying'),
  });
  try {
    const applied = await migratePg({ url: options.url, ...(options.applicationName ? { applicationName: `${options.applicationName}-migrate` } : {}) });
    if (applied > 0) (options.log.info ?? options.log.warn)({ applied }, 'database migrations applied');
    return { pool, db: pgDatabase(pool), now: options.now, log: options.log };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}
