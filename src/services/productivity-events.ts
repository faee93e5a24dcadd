import { eq, gte, lt, sql } from 'drizzle-orm';
import { productivityEvents } from '../db/sqlite/schema.js';
import { applyItemCheck, createBatchParser, type ItemCheck } from '../lib/batch-body.js';
import { canonicalUuid, newId } from '../lib/ids.js';
import { iso, toMillis } from '../lib/time.js';
import { CONTEXT_DATA_MAX_BYTES, ProductivityEventInput } from '../schemas/productivity-events.js';
import { listNewestFirst } from './keyset-list.js';
import { createBatchIngester, type BatchResult } from './batch-ingest.js';
import type { IngestDeps } from './index.js';

type Row = typeof productivityEvents.$inferSelect;

export type ProductivityEventView = {
  id: string;
  sessionId: string;
  eventType: string;
  traditionalTimeEstimate: number;
  actualTimeTaken: number;
  timeSaved: number;
  improvementPercentage: number | null;
  contextData: Record<string, unknown> | null;
  userSatisfaction: number | null;
  createdAt: string;
};

export type ProductivityEventFilter = { session?: string; eventType?: string; from?: number; to?: number; limit: number; cursor?: string };

/** Contract: timeSaved = traditional − actual; improvementPercentage = timeSaved / traditional × 100, null when traditional is 0. */
export function computeSavings(traditional: number, actual: number): { timeSaved: number; improvementPercentage: number | null } {
  const timeSaved = traditional - actual;
  return { timeSaved, improvementPercentage: traditional === 0 ? null : (timeSaved / traditional) * 100 };
}

function view(row: Row): ProductivityEventView {
  return {
    id: row.id,
    sessionId: row.sessionId,
    eventType: row.eventType,
    traditionalTimeEstimate: row.traditionalTimeEstimate,
    actualTimeTaken: row.actualTimeTaken,
    timeSaved: row.timeSaved,
    improvementPercentage: row.improvementPercentage,
    contextData: row.contextData === null ? null : (JSON.parse(row.contextData) as Record<string, unknown>),
    userSatisfaction: row.userSatisfaction,
    createdAt: iso(row.createdAt),
  };
}

const contextDataCheck: ItemCheck<ProductivityEventInput> = (value, prefix) => {
  if (value.contextData === undefined || value.contextData === null) return null;
  const bytes = Buffer.byteLength(JSON.stringify(value.contextData), 'utf8');
  if (bytes <= CONTEXT_DATA_MAX_BYTES) return null;
  const message = `must serialize to at most ${CONTEXT_DATA_MAX_BYTES} bytes (has ${bytes})`;
  return { status: 400, code: 'VALIDATION_FAILED', detail: `body${prefix}/contextData ${message}`, errors: [{ path: `${prefix}/contextData`, message }] };
};

export function createProductivityEventService(deps: IngestDeps) {
  const { db } = deps;
  const parse = createBatchParser<ProductivityEventInput>(ProductivityEventInput, deps.config.maxBatch);
  const insert = db
    .insert(productivityEvents)
    .values({
      id: sql.placeholder('id'),
      sessionId: sql.placeholder('sessionId'),
      eventType: sql.placeholder('eventType'),
      traditionalTimeEstimate: sql.placeholder('traditionalTimeEstimate'),
      actualTimeTaken: sql.placeholder('actualTimeTaken'),
      timeSaved: sql.placeholder('timeSaved'),
      improvementPercentage: sql.placeholder('improvementPercentage'),
      contextData: sql.placeholder('contextData'),
      userSatisfaction: sql.placeholder('userSatisfaction'),
      createdAt: sql.placeholder('createdAt'),
    })
    .onConflictDoNothing()
    .prepare();

  const ingester = createBatchIngester<ProductivityEventInput, Row>(deps, {
    noun: 'productivity event',
    toRow: (input, now) => ({
      id: input.id ? canonicalUuid(input.id) : newId(),
      sessionId: canonicalUuid(input.sessionId),
      eventType: input.eventType,
      traditionalTimeEstimate: input.traditionalTimeEstimate,
      actualTimeTaken: input.actualTimeTaken,
      ...computeSavings(input.traditionalTimeEstimate, input.actualTimeTaken),
      contextData: input.contextData === undefined || input.contextData === null ? null : JSON.stringify(input.contextData),
      userSatisfaction: input.userSatisfaction ?? null,
      createdAt: input.createdAt === undefined ? now : toMillis(input.createdAt),
    }),
    sessionIdOf: (row) => row.sessionId,
    activityAt: (row) => row.createdAt,
    insert: (_db, row) => insert.run(row).changes > 0,
  });

  return {
    /** One event or `{ items }`; the shared batch rules (contract "Tool calls"). */
    async ingest(body: unknown, partial: boolean): Promise<BatchResult> {
      const batch = applyItemCheck(parse(body, partial), partial, contextDataCheck);
      return ingester.ingest(batch, partial);
    },

    /** Newest first; keyset on (createdAt, id). */
    list(filter: ProductivityEventFilter): { items: ProductivityEventView[]; nextCursor: string | null } {
      const t = productivityEvents;
      const result = listNewestFirst(db, {
        table: t,
        time: t.createdAt,
        id: t.id,
        timeOf: (r: typeof t.$inferSelect) => r.createdAt,
        idOf: (r: typeof t.$inferSelect) => r.id,
        conditions: [
          filter.session ? eq(t.sessionId, canonicalUuid(filter.session)) : undefined,
          filter.eventType ? eq(t.eventType, filter.eventType) : undefined,
          filter.from !== undefined ? gte(t.createdAt, filter.from) : undefined,
          filter.to !== undefined ? lt(t.createdAt, filter.to) : undefined,
        ],
        cursor: filter.cursor,
        limit: filter.limit,
      });
      return { items: result.rows.map(view), nextCursor: result.nextCursor };
    },
  };
}

export type ProductivityEventService = ReturnType<typeof createProductivityEventService>;
