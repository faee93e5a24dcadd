import { Readable } from 'node:stream';
import { and, asc, gt, gte, or, type SQL } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/sqlite/client.js';
import { toolCalls } from '../db/sqlite/schema.js';
import { CSV_CONTENT_TYPE, csvHeader, csvRow } from '../lib/csv.js';
import { iso } from '../lib/time.js';

export type ExportFormat = 'ndjson' | 'csv';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: CSV_CONTENT_TYPE,
};

/** The JSON field names, in output order: also the CSV header (contract "Precise rules"). */
export const TOOL_CALL_FIELDS = ['id', 'sessionId', 'toolName', 'durationMs', 'status', 'errorType', 'timestamp'] as const;

/** Rows per read: ~150 KB of output, about a millisecond of work between two yields. */
export const EXPORT_CHUNK_ROWS = 1000;

type RawRow = [id: string, sessionId: string, toolName: string, durationMs: number, status: string, errorType: string | null, timestamp: number];

const columns = {
  id: toolCalls.id,
  sessionId: toolCalls.sessionId,
  toolName: toolCalls.toolName,
  durationMs: toolCalls.durationMs,
  status: toolCalls.status,
  errorType: toolCalls.errorType,
  timestamp: toolCalls.timestamp,
};

function ndjsonLine(r: RawRow): string {
  return `${JSON.stringify({ id: r[0], sessionId: r[1], toolName: r[2], durationMs: r[3], status: r[4], errorType: r[5], timestamp: iso(r[6]) })}\n`;
}

function csvLine(r: RawRow): string {
  return csvRow([r[0], r[1], r[2], r[3], r[4], r[5], iso(r[6])]);
}

/**
 * Streams tool calls oldest first (timestamp, id) in keyset chunks on the main connection.
 *
 * Why chunks and not one iterator held open for the whole export: a better-sqlite3 iterator
 * keeps its connection busy (every other statement on it throws) and its read transaction
 * pins the WAL, so a slow client would block ingest or let the WAL grow without bound. Each
 * chunk is read with `stmt.iterate()` and drained synchronously into one string (the
 * iterator is closed before the next tick, also on error: `for…of` calls return()); the
 * Readable asks for the next chunk only when the socket has taken the previous one, so memory
 * stays flat and a client that stops reading (or disconnects) simply stops the generator.
 * Rows committed while an export runs appear if they sort after its position.
 */
export function createToolCallExporter(db: Db) {
  const sqlite = db.$client;
  const statements = new Map<string, Statement<unknown[], RawRow>>();

  function readChunk(conditions: SQL[], after: [number, string] | undefined, format: ExportFormat) {
    const where = after
      ? [...conditions, gte(toolCalls.timestamp, after[0]), or(gt(toolCalls.timestamp, after[0]), gt(toolCalls.id, after[1])) as SQL]
      : conditions;
    const query = db.select(columns).from(toolCalls).where(and(...where)).orderBy(asc(toolCalls.timestamp), asc(toolCalls.id)).limit(EXPORT_CHUNK_ROWS).toSQL();
    let stmt = statements.get(query.sql);
    if (!stmt) {
      stmt = (sqlite.prepare(query.sql) as Statement<unknown[], RawRow>).raw(true);
      statements.set(query.sql, stmt);
    }
    const line = format === 'csv' ? csvLine : ndjsonLine;
    let text = '';
    let count = 0;
    let last: RawRow | undefined;
    for (const row of stmt.iterate(...query.params)) {
      text += line(row);
      count += 1;
      last = row;
    }
    return { text, count, last };
  }

  function* chunks(conditions: SQL[], format: ExportFormat): Generator<string> {
    if (format === 'csv') yield csvHeader(TOOL_CALL_FIELDS);
    let after: [number, string] | undefined;
    for (;;) {
      const { text, count, last } = readChunk(conditions, after, format);
      if (count > 0) yield text;
      if (count < EXPORT_CHUNK_ROWS || !last) return;
      after = [last[6], last[0]];
    }
  }

  return {
    /** A byte stream of every match; nothing is read until the consumer asks. */
    stream(conditions: SQL[], format: ExportFormat): Readable {
      return Readable.from(chunks(conditions, format), { objectMode: false });
    },
  };
}
