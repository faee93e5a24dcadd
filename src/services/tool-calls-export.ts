import { Readable } from 'node:stream';
import type { ToolCallRow } from '../db/store.js';
import { CSV_CONTENT_TYPE, csvHeader, csvRow } from '../lib/csv.js';
import { iso } from '../lib/time.js';

export type ExportFormat = 'ndjson' | 'csv';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: CSV_CONTENT_TYPE,
};

/** The JSON field names, in output order: also the CSV header (contract "Precise rules"). */
export const TOOL_CALL_FIELDS = ['id', 'sessionId', 'toolName', 'durationMs', 'status', 'errorType', 'timestamp'] as const;

const ndjsonLine = (r: ToolCallRow): string =>
  `${JSON.stringify({ id: r.id, sessionId: r.sessionId, toolName: r.toolName, durationMs: r.durationMs, status: r.status, errorType: r.errorType, timestamp: iso(r.timestamp) })}\n`;

const csvLine = (r: ToolCallRow): string => csvRow([r.id, r.sessionId, r.toolName, r.durationMs, r.status, r.errorType, iso(r.timestamp)]);

async function* lines(chunks: AsyncIterable<ToolCallRow[]>, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader(TOOL_CALL_FIELDS);
  const line = format === 'csv' ? csvLine : ndjsonLine;
  for await (const rows of chunks) {
    let text = '';
    for (const row of rows) text += line(row);
    yield text;
  }
}

/**
 * The export as a byte stream: the store reads a chunk only when the socket has taken the one
 * before, so memory stays flat and a client that stops reading (or disconnects) simply stops it.
 */
export function exportStream(chunks: AsyncIterable<ToolCallRow[]>, format: ExportFormat): Readable {
  return Readable.from(lines(chunks, format), { objectMode: false });
}
