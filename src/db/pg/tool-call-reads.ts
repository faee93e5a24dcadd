import { and, asc, eq, gt, gte, lt, or, type SQL } from 'drizzle-orm';
import type { Keyset, ToolCallFilter, ToolCallRow } from '../store.js';
import type { PgContext } from './context.js';
import { listNewestFirst } from './keyset-list.js';
import { toolCalls } from './schema/index.js';

/** Rows per export read: one short query per chunk, so memory stays constant whatever the match. */
export const EXPORT_CHUNK_ROWS = 1000;

/** Conditions shared by the list and the export (each has an index: see schema/telemetry.ts). */
function conditionsOf(filter: ToolCallFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.session !== undefined) conditions.push(eq(toolCalls.sessionId, filter.session));
  if (filter.tool !== undefined) conditions.push(eq(toolCalls.toolName, filter.tool));
  if (filter.status !== undefined) conditions.push(eq(toolCalls.status, filter.status));
  if (filter.from !== undefined) conditions.push(gte(toolCalls.timestamp, filter.from));
  if (filter.to !== undefined) conditions.push(lt(toolCalls.timestamp, filter.to));
  return conditions;
}

/** Newest first on (timestamp, id), as on SQLite (src/db/sqlite/tool-call-reads.ts). */
export function listToolCalls(ctx: PgContext, q: ToolCallFilter & Keyset<[number, string]>): Promise<ToolCallRow[]> {
  return listNewestFirst(ctx.db, { table: toolCalls, time: toolCalls.timestamp, id: toolCalls.id, conditions: conditionsOf(q), after: q.after, limit: q.limit });
}

/**
 * Every match oldest first (timestamp, id), one keyset chunk per request of the consumer: no
 * cursor or transaction stays open while a slow client reads (it would hold a connection of
 * the pool), and a consumer that stops asking stops the reads. Rows committed meanwhile
 * appear if they sort after its position, as on SQLite.
 */
export async function* exportToolCalls(ctx: PgContext, filter: ToolCallFilter): AsyncGenerator<ToolCallRow[]> {
  const conditions = conditionsOf(filter);
  let after: [number, string] | undefined;
  for (;;) {
    // `ts >= c AND (ts > c OR id > i)` keeps an index range on timestamp.
    const where = after ? [...conditions, gte(toolCalls.timestamp, after[0]), or(gt(toolCalls.timestamp, after[0]), gt(toolCalls.id, after[1]))] : conditions;
    const rows: ToolCallRow[] = await ctx.db.select().from(toolCalls).where(and(...where)).orderBy(asc(toolCalls.timestamp), asc(toolCalls.id)).limit(EXPORT_CHUNK_ROWS);
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    yield rows;
    if (rows.length < EXPORT_CHUNK_ROWS) return;
    after = [last.timestamp, last.id];
  }
}
