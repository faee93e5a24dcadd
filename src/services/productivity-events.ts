import type { Draft, ProductivityEventRow } from '../db/store.js';
import { applyItemCheck, createBatchParser, type ItemCheck } from '../lib/batch-body.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { canonicalUuid } from '../lib/ids.js';
import { iso, toMillis } from '../lib/time.js';
import { CONTEXT_DATA_MAX_BYTES, ProductivityEventInput } from '../schemas/productivity-events.js';
import { createBatchIngester, type BatchResult } from './batch-ingest.js';
import type { ServiceDeps } from './deps.js';
import type { IngestCounters } from './ingest-counters.js';

type Row = ProductivityEventRow;

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

export function createProductivityEventService(deps: ServiceDeps & { counters: IngestCounters }) {
  const { store } = deps;
  const parse = createBatchParser<ProductivityEventInput>(ProductivityEventInput, deps.config.maxBatch);
  const ingester = createBatchIngester({ now: deps.now, tally: deps.counters.tally('productivity_events', 'api') }, {
    toDraft: (input: ProductivityEventInput, now: number): Draft<Row> => ({
      id: input.id ? canonicalUuid(input.id) : undefined,
      sessionId: canonicalUuid(input.sessionId),
      eventType: input.eventType,
      traditionalTimeEstimate: input.traditionalTimeEstimate,
      actualTimeTaken: input.actualTimeTaken,
      ...computeSavings(input.traditionalTimeEstimate, input.actualTimeTaken),
      contextData: input.contextData === undefined || input.contextData === null ? null : JSON.stringify(input.contextData),
      userSatisfaction: input.userSatisfaction ?? null,
      createdAt: input.createdAt === undefined ? now : toMillis(input.createdAt),
    }),
    sessionIdOf: (draft) => draft.sessionId,
    append: (drafts, options) => store.productivityEvents.append(drafts, options),
  });

  return {
    /** One event or `{ items }`; the shared batch rules (contract "Tool calls"). */
    async ingest(body: unknown, partial: boolean): Promise<BatchResult> {
      const batch = applyItemCheck(parse(body, partial), partial, contextDataCheck);
      return ingester.ingest(batch, partial);
    },

    /** Newest first; keyset on (createdAt, id). */
    async list(filter: ProductivityEventFilter): Promise<{ items: ProductivityEventView[]; nextCursor: string | null }> {
      const after = filter.cursor ? (decodeCursor(filter.cursor, ['number', 'string']) as [number, string]) : undefined;
      const rows = await store.productivityEvents.list({
        session: filter.session ? canonicalUuid(filter.session) : undefined,
        eventType: filter.eventType || undefined,
        from: filter.from,
        to: filter.to,
        after,
        limit: filter.limit + 1,
      });
      const result = page(rows, filter.limit, (r) => [r.createdAt, r.id]);
      return { items: result.rows.map(view), nextCursor: result.nextCursor };
    },
  };
}

export type ProductivityEventService = ReturnType<typeof createProductivityEventService>;
