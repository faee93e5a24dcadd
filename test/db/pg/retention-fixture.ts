import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DEV_SESSION_TYPES } from '../../../src/db/row-types.js';
import type { RunContext } from '../../../src/db/store.js';

/**
 * Fixtures for the PostgreSQL retention, stats and partition tests: sessions and telemetry
 * written with plain SQL as the ingest part would leave them (ids claimed in the id tables,
 * tool_call_count exact, row_count_deltas appended), across several UTC weeks.
 */

export const DAY = 86_400_000;
export const WEEK = 7 * DAY;
const FIRST_MONDAY = 345_600_000;
/** The Monday 00:00 UTC that starts the week of t. */
export const weekStart = (t: number) => t - ((((t - FIRST_MONDAY) % WEEK) + WEEK) % WEEK);

export const TYPE = DEV_SESSION_TYPES[0] as string;

export async function ensureWeeks(pool: pg.Pool, from: number, to: number): Promise<void> {
  for (const t of ['tool_calls', 'productivity_events', 'feature_usage']) await pool.query('select devflow_ensure_partitions($1::regclass, $2, $3)', [t, from, to]);
}

export async function addSession(pool: pg.Pool, opts: { status?: string; startedAt: number; lastActivityAt?: number; endedAt?: number | null }): Promise<string> {
  const id = randomUUID();
  const status = opts.status ?? 'completed';
  const ended = opts.endedAt !== undefined ? opts.endedAt : status === 'active' ? null : opts.startedAt;
  await pool.query(
    'insert into sessions (id, type, status, started_at, ended_at, updated_at, last_activity_at) values ($1, $2, $3, $4, $5, $4, $6)',
    [id, TYPE, status, opts.startedAt, ended, opts.lastActivityAt ?? opts.startedAt],
  );
  await pool.query("insert into row_count_deltas (table_name, rows, at) values ('sessions', 1, 0)");
  return id;
}

/** Tool calls of a session at the given times, with their ids, counter and row count. Returns their ids. */
export async function addCalls(pool: pg.Pool, session: string, times: number[]): Promise<string[]> {
  const ids = times.map(() => randomUUID());
  await pool.query('insert into tool_call_ids (id, "timestamp") select * from unnest($1::uuid[], $2::int8[])', [ids, times]);
  await pool.query(
    `insert into tool_calls (id, session_id, tool_name, duration_ms, status, "timestamp")
     select id, $3, 'Read', 5, 'success', ts from unnest($1::uuid[], $2::int8[]) as u(id, ts)`,
    [ids, times, session],
  );
  await pool.query('update sessions set tool_call_count = tool_call_count + $2, last_activity_at = greatest(last_activity_at, $3) where id = $1', [session, times.length, Math.max(...times)]);
  await pool.query("insert into row_count_deltas (table_name, rows, at) values ('tool_calls', $1, 0)", [times.length]);
  return ids;
}

export async function addEvents(pool: pg.Pool, session: string, times: number[]): Promise<void> {
  const ids = times.map(() => randomUUID());
  await pool.query('insert into productivity_event_ids (id, created_at) select * from unnest($1::uuid[], $2::int8[])', [ids, times]);
  await pool.query(
    `insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, created_at)
     select id, $3, 'refactor', 10, 5, 5, ts from unnest($1::uuid[], $2::int8[]) as u(id, ts)`,
    [ids, times, session],
  );
  await pool.query("insert into row_count_deltas (table_name, rows, at) values ('productivity_events', $1, 0)", [times.length]);
}

export async function addUsage(pool: pg.Pool, session: string, times: number[]): Promise<void> {
  const ids = times.map(() => randomUUID());
  await pool.query('insert into feature_usage_ids (id, started_at) select * from unnest($1::uuid[], $2::int8[])', [ids, times]);
  await pool.query(
    `insert into feature_usage (id, session_id, feature_name, feature_category, started_at)
     select id, $3, 'search', 'nav', ts from unnest($1::uuid[], $2::int8[]) as u(id, ts)`,
    [ids, times, session],
  );
  await pool.query("insert into row_count_deltas (table_name, rows, at) values ('feature_usage', $1, 0)", [times.length]);
}

/** n times spread evenly over [from, to). */
export const spread = (from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => from + Math.floor(((to - from) * i) / n));

export const count = async (pool: pg.Pool, text: string, values: unknown[] = []): Promise<number> => Number((await pool.query<{ n: number }>(text, values)).rows[0]?.n ?? 0);

/** The weeks of a table, by name, as pg_inherits lists them. */
export async function partitionNames(pool: pg.Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>('select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = $1::regclass order by 1', [table]);
  return rows.map((r) => r.name);
}

export function runContext(over: Partial<RunContext> = {}): RunContext {
  return { holder: `test:${randomUUID()}`, signal: new AbortController().signal, now: Date.now, ...over };
}
