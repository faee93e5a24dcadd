import { and, asc, desc, eq, gt, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { Keyset, ToolCallFilter, ToolCallRow } from '../store.js';
import type { Db } from './client.js';
import { toolCalls } from './schema/index.js';

/** Rows per export read: about a millisecond of work between two yields. */
export const EXPORT_CHUNK_ROWS = 1000;

type RawRow = [id: string, sessionId: string, toolName: string, durationMs: number, status: ToolCallRow['status'], errorType: string | null, timestamp: number];

const columns = {
  id: toolCalls.id,
  sessionId: toolCalls.sessionId,
  toolName: toolCalls.toolName,
  durationMs: toolCalls.durationMs,
  status: toolCalls.status,
  errorType: toolCalls.errorType,
  timestamp: toolCalls.timestamp,
};

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

/** The tool-call list (newest first) and export (oldest first). The caller moves staged calls first. */
export function toolCallReads(db: Db) {
  const sqlite = db.$client;
  // One prepared statement per combination of filters (at most 64): building and preparing
  // the query on every request cost more than running it.
  const listStatements = new Map<string, ReturnType<typeof prepareList>>();
  function prepareList(filter: ToolCallFilter, paged: boolean) {
    const p = sql.placeholder;
    const conditions: SQL[] = [];
    if (filter.session !== undefined) conditions.push(eq(toolCalls.sessionId, p('session')));
    if (filter.tool !== undefined) conditions.push(eq(toolCalls.toolName, p('tool')));
    if (filter.status !== undefined) conditions.push(eq(toolCalls.status, p('status')));
    if (filter.from !== undefined) conditions.push(gte(toolCalls.timestamp, p('from')));
    if (filter.to !== undefined) conditions.push(lt(toolCalls.timestamp, p('to')));
    // `ts <= c AND (ts < c OR id < i)` keeps an index range on timestamp; a bare OR would not.
    if (paged) conditions.push(lte(toolCalls.timestamp, p('afterTs')), or(lt(toolCalls.timestamp, p('afterTs')), lt(toolCalls.id, p('afterId'))) as SQL);
    return db.select().from(toolCalls).where(and(...conditions)).orderBy(desc(toolCalls.timestamp), desc(toolCalls.id)).limit(p('limit')).prepare();
  }

  const exportStatements = new Map<string, Statement<unknown[], RawRow>>();
  function exportChunk(conditions: SQL[], after: [number, string] | undefined): ToolCallRow[] {
    const where = after ? [...conditions, gte(toolCalls.timestamp, after[0]), or(gt(toolCalls.timestamp, after[0]), gt(toolCalls.id, after[1])) as SQL] : conditions;
    const query = db.select(columns).from(toolCalls).where(and(...where)).orderBy(asc(toolCalls.timestamp), asc(toolCalls.id)).limit(EXPORT_CHUNK_ROWS).toSQL();
    let stmt = exportStatements.get(query.sql);
    if (!stmt) {
      stmt = (sqlite.prepare(query.sql) as Statement<unknown[], RawRow>).raw(true);
      exportStatements.set(query.sql, stmt);
    }
    // Read whole and closed before the next tick: an open iterator would keep the connection
    // busy and its read transaction would pin the WAL while a slow client reads.
    const rows: ToolCallRow[] = [];
    for (const [id, sessionId, toolName, durationMs, status, errorType, timestamp] of stmt.iterate(...query.params)) {
      rows.push({ id, sessionId, toolName, durationMs, status, errorType, timestamp });
    }
    return rows;
  }

  return {
    list(q: ToolCallFilter & Keyset<[number, string]>): ToolCallRow[] {
      const paged = q.after !== undefined;
      const shape = (['session', 'tool', 'status', 'from', 'to'] as const).map((k) => (q[k] === undefined ? 0 : 1)).join('') + (paged ? 1 : 0);
      let stmt = listStatements.get(shape);
      if (!stmt) {
        stmt = prepareList(q, paged);
        listStatements.set(shape, stmt);
      }
      return stmt.all({ session: q.session, tool: q.tool, status: q.status, from: q.from, to: q.to, afterTs: q.after?.[0], afterId: q.after?.[1], limit: q.limit });
    },

    /**
     * Every match oldest first, in keyset chunks read as the consumer asks (a consumer that stops
     * asking stops the reads). Rows committed meanwhile appear if they sort after its position.
     */
    async *export(filter: ToolCallFilter, beforeEachChunk: () => void): AsyncGenerator<ToolCallRow[]> {
      const conditions = conditionsOf(filter);
      let after: [number, string] | undefined;
      for (;;) {
        beforeEachChunk();
        const rows = exportChunk(conditions, after);
        if (rows.length > 0) yield rows;
        const last = rows[rows.length - 1];
        if (rows.length < EXPORT_CHUNK_ROWS || !last) return;
        after = [last.timestamp, last.id];
      }
    },
  };
}
