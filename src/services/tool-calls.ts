import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { toolCalls } from '../db/sqlite/schema.js';
import type { TOOL_CALL_STATUSES } from '../lib/vocabulary.js';
import { createBatchParser, type ParsedBatch } from '../lib/batch-body.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { canonicalUuid, newId } from '../lib/ids.js';
import { iso, toMillis } from '../lib/time.js';
import { ToolCallInputSchema } from '../schemas/tool-calls.js';
import { createBatchIngester, type BatchResult } from './batch-ingest.js';
import type { IngestDeps } from './index.js';
import { createToolCallExporter, type ExportFormat } from './tool-calls-export.js';

export { EXPORT_CONTENT_TYPES, TOOL_CALL_FIELDS, type ExportFormat } from './tool-calls-export.js';

export type ToolCallStatus = (typeof TOOL_CALL_STATUSES)[number];
export type ToolCallRow = typeof toolCalls.$inferSelect;

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

export type ToolCallView = {
  id: string;
  sessionId: string;
  toolName: string;
  durationMs: number;
  status: ToolCallStatus;
  errorType: string | null;
  timestamp: string;
};

export type ToolCallFilter = { session?: string; tool?: string; status?: ToolCallStatus; from?: number; to?: number };

export function toolCallView(row: ToolCallRow): ToolCallView {
  return {
    id: row.id,
    sessionId: row.sessionId,
    toolName: row.toolName,
    durationMs: row.durationMs,
    status: row.status,
    errorType: row.errorType,
    timestamp: iso(row.timestamp),
  };
}

/** Input → stored row: UUIDs lower case, a server-made UUID v7 when the client sent no id, time default now. */
export function toToolCallRow(input: ToolCallInput, now: number): ToolCallRow {
  return {
    id: input.id === undefined ? newId() : canonicalUuid(input.id),
    sessionId: canonicalUuid(input.sessionId),
    toolName: input.toolName,
    durationMs: input.durationMs,
    status: input.status,
    errorType: input.errorType ?? null,
    timestamp: input.timestamp === undefined ? now : toMillis(input.timestamp),
  };
}

/** Conditions shared by the list and the export (each has an index: see db/schema.ts). */
export function toolCallConditions(filter: ToolCallFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.session !== undefined) conditions.push(eq(toolCalls.sessionId, canonicalUuid(filter.session)));
  if (filter.tool !== undefined) conditions.push(eq(toolCalls.toolName, filter.tool));
  if (filter.status !== undefined) conditions.push(eq(toolCalls.status, filter.status));
  if (filter.from !== undefined) conditions.push(gte(toolCalls.timestamp, filter.from));
  if (filter.to !== undefined) conditions.push(lt(toolCalls.timestamp, filter.to));
  return conditions;
}

export function createToolCallService(deps: IngestDeps) {
  const parse = createBatchParser<ToolCallInput>(ToolCallInputSchema, deps.config.maxBatch);
  const { db, inbox } = deps;
  const ingester = createBatchIngester<ToolCallInput, ToolCallRow>(deps, {
    noun: 'tool call',
    toRow: toToolCallRow,
    sessionIdOf: (row) => row.sessionId,
    activityAt: (row) => row.timestamp,
    // Staged in the inbox (one INSERT … SELECT moves them into tool_calls): an id already there or in tool_calls is a duplicate.
    // A server-made id (UUID v7, 74 random bits) cannot be stored already: no lookup for it.
    insert: (_tx, row, input) => inbox.insert(row, input.id === undefined),
    countsItself: true,
    onStored: (_tx, stored) =>
      deps.rollups.record(stored.map(({ row, session }) => ({ toolName: row.toolName, durationMs: row.durationMs, status: row.status, timestamp: row.timestamp, profileId: session.profileId, project: session.project }))),
  });
  const exporter = createToolCallExporter(db);

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
    return db
      .select()
      .from(toolCalls)
      .where(and(...conditions))
      .orderBy(desc(toolCalls.timestamp), desc(toolCalls.id))
      .limit(p('limit'))
      .prepare();
  }
  function listStatement(filter: ToolCallFilter, paged: boolean) {
    const shape = (['session', 'tool', 'status', 'from', 'to'] as const).map((k) => (filter[k] === undefined ? 0 : 1)).join('') + (paged ? 1 : 0);
    let stmt = listStatements.get(shape);
    if (!stmt) {
      stmt = prepareList(filter, paged);
      listStatements.set(shape, stmt);
    }
    return stmt;
  }

  return {
    /** One tool call or `{ items }` as posted; the contract's batch rules. */
    ingestBody(body: unknown, partial: boolean): Promise<BatchResult> {
      return ingester.ingest(parse(body, partial), partial);
    },

    /** Stores already-validated items (OTLP's mapping) with the same rules; resolves after the group commit. */
    ingest(batch: ParsedBatch<ToolCallInput>, partial: boolean): Promise<BatchResult> {
      return ingester.ingest(batch, partial);
    },

    /** Newest first: timestamp desc, id desc; the cursor is that pair. */
    list(filter: ToolCallFilter & { limit: number; cursor?: string }): { items: ToolCallView[]; nextCursor: string | null } {
      inbox.drain();
      const after = filter.cursor === undefined ? undefined : (decodeCursor(filter.cursor, ['number', 'string']) as [number, string]);
      const rows = listStatement(filter, after !== undefined).all({
        session: filter.session === undefined ? undefined : canonicalUuid(filter.session),
        tool: filter.tool,
        status: filter.status,
        from: filter.from,
        to: filter.to,
        afterTs: after?.[0],
        afterId: after?.[1],
        limit: filter.limit + 1,
      });
      const result = page(rows, filter.limit, (r) => [r.timestamp, r.id]);
      return { items: result.rows.map(toolCallView), nextCursor: result.nextCursor };
    },

    /** Every match, oldest first, as an NDJSON or CSV byte stream in constant memory. */
    export(filter: ToolCallFilter, format: ExportFormat) {
      inbox.drain();
      return exporter.stream(toolCallConditions(filter), format);
    },
  };
}

export type ToolCallService = ReturnType<typeof createToolCallService>;
