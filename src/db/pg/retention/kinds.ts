import { getTableName, sql, type SQL } from 'drizzle-orm';
import type { ChildKind } from '../../store.js';
import { featureUsage, featureUsageIds, productivityEventIds, productivityEvents, toolCallIds, toolCalls } from '../schema/index.js';
import type { PgTx } from '../transaction.js';

/** Each partitioned kind: its table and time column, and its id table (schema/ids.ts) with that table's copy of the time. */
export type KindTables = { table: string; time: string; ids: string; idTime: string };

export const KINDS: Record<ChildKind, KindTables> = {
  toolCalls: { table: getTableName(toolCalls), time: toolCalls.timestamp.name, ids: getTableName(toolCallIds), idTime: toolCallIds.timestamp.name },
  productivityEvents: { table: getTableName(productivityEvents), time: productivityEvents.createdAt.name, ids: getTableName(productivityEventIds), idTime: productivityEventIds.createdAt.name },
  featureUsage: { table: getTableName(featureUsage), time: featureUsage.startedAt.name, ids: getTableName(featureUsageIds), idTime: featureUsageIds.startedAt.name },
};

export const CHILD_KINDS = Object.keys(KINDS) as ChildKind[];

/** The sessions that retention may delete (as on SQLite: ended, and inactive since before the cutoff). */
export const ENDED = sql.raw(`('completed', 'failed', 'cancelled')`);

/**
 * Deletes at most `limit` rows of a kind matching `where` (null: all of them), in one
 * statement that keeps everything derived from them consistent in the same transaction: their
 * ids leave the id table (the id may be sent again, as on SQLite), tool calls' sessions get
 * their tool_call_count lowered, and a negative row_count_deltas row is appended for stats().
 * Rollups are left alone: they outlive raw rows (deleted only by their own expiry), exactly as
 * SQLite's retention leaves them. Rows go by (time, id), which the time index holds, so a
 * slice walks the front of that index. Returns the rows deleted and the partitions they were in.
 */
export async function deleteRows(tx: PgTx, kind: ChildKind, where: SQL, limit: number | null, now: number): Promise<{ rows: number; parts: string[] }> {
  const k = KINDS[kind];
  const table = sql.identifier(k.table);
  const time = sql.identifier(k.time);
  const counters =
    kind === 'toolCalls'
      ? sql`, per_session as (select session_id, count(*) as n from gone group by session_id),
           counters as (update sessions s set tool_call_count = greatest(s.tool_call_count - p.n, 0) from per_session p where s.id = p.session_id)`
      : sql``;
  const res = await tx.execute<{ n: number; parts: string[] | null }>(sql`
    with gone as (
      delete from ${table} where (${time}, id) in (select ${time}, id from ${table} where ${where} order by ${time}, id limit ${limit})
      returning session_id, id, tableoid::regclass::text as part
    ),
    forgotten as (delete from ${sql.identifier(k.ids)} where id in (select id from gone)),
    counted as (insert into row_count_deltas (table_name, rows, at) select ${k.table}, -count(*), ${now}::int8 from gone having count(*) > 0)
    ${counters}
    select count(*)::int as n, array_agg(distinct part) as parts from gone`);
  const row = res.rows[0];
  return { rows: row?.n ?? 0, parts: row?.parts ?? [] };
}
