import { sql } from 'drizzle-orm';
import { COMMIT_ROWS_BOUNDS, COMMIT_SECONDS_BOUNDS, type Distribution } from '../../lib/distribution.js';
import type { EngineStats, StorageStats } from '../store.js';
import type { PgContext } from './context.js';
import { isDiskFull, pgCode } from './errors.js';
import { redactUrl } from './urls.js';

/** How long `select 1` may take before the store says it is not ready. */
const READY_TIMEOUT_MS = 2000;

type Row = {
  counts: Record<string, number> | null;
  api_keys: number;
  retention_runs: number;
  bytes: number;
  page_size: number;
  tool_call: number | null;
  session: number | null;
  productivity_event: number | null;
  feature_usage: number | null;
};

/**
 * What PostgreSQL has no counterpart for: SQLite's WAL file and free-list pages. The port's
 * StorageStats types them as numbers, so 0 here (the contract says null on PostgreSQL: the
 * port change is `walBytes: number | null; freePages: number | null`, for the lead).
 */
const SQLITE_ONLY = { walBytes: 0, freePages: 0 };

/**
 * Rows per table, sizes and the newest time per kind in ONE statement (one snapshot, so a
 * delta is counted either before or after its fold, never twice). The big tables' rows are
 * row_counts plus the waiting row_count_deltas (schema/counts.ts); the two small tables are
 * counted. Each max() over a partitioned table is planned as a Limit over a Merge Append of
 * backward index-only scans of the time indexes (test/db/pg/stats.test.ts checks the plan), so
 * it costs a probe per partition, whatever their size.
 */
export async function storageStats(ctx: PgContext): Promise<StorageStats> {
  const res = await ctx.db.execute<Row>(sql`
    select
      (select jsonb_object_agg(table_name, n) from (
         select table_name, sum(rows)::int8 as n from (select table_name, rows from row_counts union all select table_name, rows from row_count_deltas) a group by table_name
       ) b) as counts,
      (select count(*) from api_keys)::int8 as api_keys,
      (select count(*) from retention_runs)::int8 as retention_runs,
      pg_database_size(current_database()) as bytes,
      current_setting('block_size')::int as page_size,
      (select max("timestamp") from tool_calls) as tool_call,
      (select max(started_at) from sessions) as session,
      (select max(created_at) from productivity_events) as productivity_event,
      (select max(started_at) from feature_usage) as feature_usage`);
  const r = res.rows[0] as Row;
  const rows = (table: string) => Number(r.counts?.[table] ?? 0);
  return {
    tables: {
      profiles: rows('profiles'),
      sessions: rows('sessions'),
      toolCalls: rows('tool_calls'),
      productivityEvents: rows('productivity_events'),
      featureUsage: rows('feature_usage'),
      apiKeys: r.api_keys,
      retentionRuns: r.retention_runs,
    },
    database: { databaseBytes: r.bytes, ...SQLITE_ONLY, pageSize: r.page_size },
    newest: { toolCall: r.tool_call, session: r.session, productivityEvent: r.productivity_event, featureUsage: r.feature_usage },
  };
}

/** What the write path counted in memory (the ingest part supplies it; zeros until it does). */
export type CommitFigures = () => Pick<EngineStats, 'commits' | 'queued'>;

const empty = (bounds: readonly number[]): Distribution => ({ bounds, cumulative: bounds.map(() => 0), count: 0, sum: 0 });
const noCommits: CommitFigures = () => ({
  commits: { succeeded: 0, failed: 0, rows: empty(COMMIT_ROWS_BOUNDS), seconds: empty(COMMIT_SECONDS_BOUNDS) },
  queued: { writes: 0, rows: 0 },
});

/** The pool's own figures: connections open, idle, and callers waiting for one (not in EngineStats yet: see the report). */
export type PoolFigures = { total: number; idle: number; waiting: number };

/**
 * The engine's figures for GET /metrics: the write path's counters (memory), the pool's, and
 * one small statement for what only the database knows across replicas: its size, and the
 * rollup deltas waiting for the leader's fold (a handful of rows: the fold empties the table)
 * with the age of the oldest. No staging on PostgreSQL: stagedToolCalls is 0.
 */
export async function engineStats(ctx: PgContext, commits: CommitFigures = noCommits): Promise<EngineStats & { pool: PoolFigures }> {
  const res = await ctx.db.execute<{ bytes: number; page_size: number; built: boolean | null; pending: number; oldest: number | null }>(sql`
    select pg_database_size(current_database()) as bytes, current_setting('block_size')::int as page_size,
      (select (value ->> 'built')::boolean from settings where key = 'rollups.toolCalls') as built,
      (select count(*) from tool_call_rollup_deltas)::int8 as pending,
      (select min(at) from tool_call_rollup_deltas) as oldest`);
  const r = res.rows[0] as { bytes: number; page_size: number; built: boolean | null; pending: number; oldest: number | null };
  const lagSeconds = r.oldest === null ? 0 : Math.max(0, (ctx.now() - r.oldest) / 1000);
  return {
    ...commits(),
    stagedToolCalls: 0,
    rollups: { built: r.built ?? false, pendingBatches: r.pending, lagSeconds },
    database: { databaseBytes: r.bytes, ...SQLITE_ONLY, pageSize: r.page_size },
    pool: { total: ctx.pool.totalCount, idle: ctx.pool.idleCount, waiting: ctx.pool.waitingCount },
  };
}

/** A failure's text fit for /readyz and logs: its SQLSTATE or socket code, any URL in it without its password. */
function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const clean = message.replace(/postgres(?:ql)?:\/\/\S+/gi, (url) => redactUrl(url));
  const code = pgCode(err);
  return code ? `${clean} (SQLSTATE ${code})` : clean;
}

/** null when `select 1` answers within READY_TIMEOUT_MS; else why not (never the URL's password). */
export async function notReadyReason(ctx: PgContext, timeoutMs = READY_TIMEOUT_MS): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`PostgreSQL did not answer within ${timeoutMs} ms`), timeoutMs);
  });
  const probe = ctx.pool.query('select 1').then(
    () => null,
    (err: unknown) => (isDiskFull(err) ? 'the database disk is full' : `PostgreSQL not answering: ${describe(err)}`),
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
