import type { Draft, ToolCallFilter, ToolCallRow } from '../db/store.js';
import { createBatchParser, type ParsedBatch } from '../lib/batch-body.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { canonicalUuid } from '../lib/ids.js';
import { iso, toMillis } from '../lib/time.js';
import type { ToolCallStatus } from '../lib/vocabulary.js';
import { ToolCallInputSchema } from '../schemas/tool-calls.js';
import { createBatchIngester, type BatchResult } from './batch-ingest.js';
import type { ServiceDeps } from './deps.js';
import type { IngestCounters } from './ingest-counters.js';
import { exportStream, type ExportFormat } from './tool-calls-export.js';

export { EXPORT_CONTENT_TYPES, TOOL_CALL_FIELDS, type ExportFormat } from './tool-calls-export.js';
export type { ToolCallFilter, ToolCallStatus };

/** One validated item (schemas/tool-calls.ts ToolCallInputSchema); OTLP builds the same shape. */
export type ToolCallInput = {
  id?: string;
  sessionId: string;
  toolName: string;
  durationMs: number;
  status: ToolCallStatus;
  errorType?: string | null;
  timestamp?: string | number;
};

export type ToolCallView = { id: string; sessionId: string; toolName: string; durationMs: number; status: ToolCallStatus; errorType: string | null; timestamp: string };

export function toolCallView(row: ToolCallRow): ToolCallView {
  return { id: row.id, sessionId: row.sessionId, toolName: row.toolName, durationMs: row.durationMs, status: row.status, errorType: row.errorType, timestamp: iso(row.timestamp) };
}

/** Input → row to store: UUIDs lower case, time default now; without an id the store makes one. */
export function toToolCallDraft(input: ToolCallInput, now: number): Draft<ToolCallRow> {
  // One object literal of one shape: a spread is much slower per item (bench/RESULTS.md, "Why the code looks as it does").
  return {
    id: input.id === undefined ? undefined : canonicalUuid(input.id),
    sessionId: canonicalUuid(input.sessionId),
    toolName: input.toolName,
    durationMs: input.durationMs,
    status: input.status,
    errorType: input.errorType ?? null,
    timestamp: input.timestamp === undefined ? now : toMillis(input.timestamp),
  };
}

const canonicalFilter = (filter: ToolCallFilter): ToolCallFilter => (filter.session === undefined ? filter : { ...filter, session: canonicalUuid(filter.session) });

export function createToolCallService(deps: ServiceDeps & { counters: IngestCounters }) {
  const { store } = deps;
  const parse = createBatchParser<ToolCallInput>(ToolCallInputSchema, deps.config.maxBatch);
  const ingester = createBatchIngester({ now: deps.now, tally: deps.counters.tally('tool_calls', 'api') }, {
    toDraft: toToolCallDraft,
    sessionIdOf: (draft: Draft<ToolCallRow>) => draft.sessionId,
    append: (drafts, options) => store.toolCalls.append(drafts, options),
  });

  return {
    /** One tool call or `{ items }` as posted; the contract's batch rules. */
    ingestBody(body: unknown, partial: boolean): Promise<BatchResult> {
      return ingester.ingest(parse(body, partial), partial);
    },

    /** Stores already-validated items with the same rules; resolves after the commit. */
    ingest(batch: ParsedBatch<ToolCallInput>, partial: boolean): Promise<BatchResult> {
      return ingester.ingest(batch, partial);
    },

    /** Newest first: timestamp desc, id desc; the cursor is that pair. */
    async list(filter: ToolCallFilter & { limit: number; cursor?: string }): Promise<{ items: ToolCallView[]; nextCursor: string | null }> {
      const after = filter.cursor === undefined ? undefined : (decodeCursor(filter.cursor, ['number', 'string']) as [number, string]);
      const { limit, cursor: _, ...query } = filter;
      const rows = await store.toolCalls.list({ ...canonicalFilter(query), after, limit: limit + 1 });
      const result = page(rows, limit, (r) => [r.timestamp, r.id]);
      return { items: result.rows.map(toolCallView), nextCursor: result.nextCursor };
    },

    /** Every match, oldest first, as an NDJSON or CSV byte stream in constant memory. */
    export(filter: ToolCallFilter, format: ExportFormat) {
      return exportStream(store.toolCalls.export(canonicalFilter(filter)), format);
    },
  };
}

export type ToolCallService = ReturnType<typeof createToolCallService>;
