import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.js';

/** OIDs of the types whose text node-postgres would otherwise hand back as strings. */
const INT8_OID = 20;
/** pg-types' TypeId names only the scalar built-ins, so the array's OID is cast to it. */
const INT8_ARRAY_OID = 1016 as Parameters<typeof pg.types.getTypeParser>[0];
const NUMERIC_OID = 1700;

export type PgDb = NodePgDatabase<typeof schema>;

export type PgPoolOptions = {
  /** postgres://user:password@host:port/database (never logged as is: see urls.ts). */
  url: string;
  /** Shown in pg_stat_activity, so an operator can tell the replicas' connections apart. */
  applicationName?: string;
  /** Connections per process. Replicas × max must stay below the server's max_connections. */
  max?: number;
  /** Cancels a statement that runs longer (the server's statement_timeout); unset: the server's setting. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection (from an exhausted pool, or a server that does not answer) before an error instead of a hang. */
  acquireTimeoutMs?: number;
  /** Told about a connection that failed while idle in the pool (the server restarted); the pool replaces it. */
  onIdleError?: (err: Error) => void;
};

/**
 * An int8 as a JavaScript number, or an error: a value beyond 2^53 would come back rounded,
 * and a rounded id or count is worse than a failed read. Times, counts and durations all fit.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`PostgreSQL int8 ${text} is beyond 2^53 and has no exact JavaScript number`);
  return value;
}

/**
 * A numeric (what sum() and avg() of bigints answer) as a number: a whole one under the int8
 * rule above, a fraction (an average) as its nearest double, which is all a caller can use.
 */
export function parseNumeric(text: string): number {
  return /^-?\d+$/.test(text) ? parseInt8(text) : Number(text);
}

type Int8List = Array<number | null | Int8List>;

/** An int8[] (array_agg of a time column, say): node-postgres splits it into strings; each becomes a number as above. */
const splitInt8Array = pg.types.getTypeParser(INT8_ARRAY_OID);
export function parseInt8Array(text: string): Int8List {
  const each = (items: unknown[]): Int8List => items.map((v) => (v === null ? null : Array.isArray(v) ? each(v) : parseInt8(String(v))));
  return each(splitInt8Array(text) as unknown[]);
}

/**
 * Installs the parsers on node-postgres's global type table, once. Global, not per pool:
 * drizzle-orm gives every query its own type table that falls back to the global one (not to
 * the pool's), so only there do Drizzle queries and raw ones both get numbers.
 */
export function installNumberParsers(): void {
  pg.types.setTypeParser(INT8_OID, parseInt8);
  pg.types.setTypeParser(INT8_ARRAY_OID, parseInt8Array);
  pg.types.setTypeParser(NUMERIC_OID, parseNumeric);
}

/** A pool of connections to PostgreSQL, idle errors handled (unhandled, one would end the process). */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  installNumberParsers();
  const pool = new pg.Pool({
    connectionString: options.url,
    application_name: options.applicationName ?? 'devflow',
    max: options.max ?? 10,
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 5000,
    idleTimeoutMillis: 10_000,
    // Notices a peer that vanished (a failover, a dropped NAT entry) instead of waiting on it.
    keepAlive: true,
    ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
  });
  pool.on('error', (err) => options.onIdleError?.(err));
  return pool;
}

/** Drizzle over a pool, with the engine's schema for typed queries. */
export function pgDatabase(pool: pg.Pool): PgDb {
  return drizzle({ client: pool, schema });
}
