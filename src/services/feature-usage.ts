import type { Draft, FeatureUsageRow } from '../db/store.js';
import { applyItemCheck, createBatchParser, type ItemCheck } from '../lib/batch-body.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { canonicalUuid } from '../lib/ids.js';
import { iso, isoOrNull, toMillis } from '../lib/time.js';
import { FeatureUsageInput } from '../schemas/feature-usage.js';
import { createBatchIngester, type BatchResult } from './batch-ingest.js';
import type { ServiceDeps } from './deps.js';
import type { IngestCounters } from './ingest-counters.js';

type Row = FeatureUsageRow;

export type FeatureUsageView = {
  id: string;
  sessionId: string;
  featureName: string;
  featureCategory: string;
  startedAt: string;
  completedAt: string | null;
  success: boolean | null;
  errorMessage: string | null;
};

export type FeatureUsageFilter = { session?: string; feature?: string; from?: number; to?: number; limit: number; cursor?: string };

function view(row: Row): FeatureUsageView {
  return {
    id: row.id,
    sessionId: row.sessionId,
    featureName: row.featureName,
    featureCategory: row.featureCategory,
    startedAt: iso(row.startedAt),
    completedAt: isoOrNull(row.completedAt),
    success: row.success,
    errorMessage: row.errorMessage,
  };
}

export function createFeatureUsageService(deps: ServiceDeps & { counters: IngestCounters }) {
  const { store } = deps;
  const parse = createBatchParser<FeatureUsageInput>(FeatureUsageInput, deps.config.maxBatch);

  /** Like a session's endedAt (contract "Sessions"): completedAt before startedAt is a 422. */
  const timeRangeCheck: ItemCheck<FeatureUsageInput> = (value, prefix) => {
    if (value.completedAt === undefined || value.completedAt === null) return null;
    const startedAt = value.startedAt === undefined ? deps.now() : toMillis(value.startedAt);
    if (toMillis(value.completedAt) >= startedAt) return null;
    const message = 'must not be before startedAt';
    return { status: 422, code: 'INVALID_TIME_RANGE', detail: `body${prefix}/completedAt ${message}`, errors: [{ path: `${prefix}/completedAt`, message }] };
  };

  const ingester = createBatchIngester({ now: deps.now, tally: deps.counters.tally('feature_usage', 'api') }, {
    toDraft: (input: FeatureUsageInput, now: number): Draft<Row> => ({
      id: input.id ? canonicalUuid(input.id) : undefined,
      sessionId: canonicalUuid(input.sessionId),
      featureName: input.featureName,
      featureCategory: input.featureCategory,
      startedAt: input.startedAt === undefined ? now : toMillis(input.startedAt),
      completedAt: input.completedAt === undefined || input.completedAt === null ? null : toMillis(input.completedAt),
      success: input.success ?? null,
      errorMessage: input.errorMessage ?? null,
    }),
    sessionIdOf: (draft) => draft.sessionId,
    append: (drafts, options) => store.featureUsage.append(drafts, options),
  });

  return {
    /** One usage or `{ items }`; the shared batch rules (contract "Tool calls"). */
    async ingest(body: unknown, partial: boolean): Promise<BatchResult> {
      const batch = applyItemCheck(parse(body, partial), partial, timeRangeCheck);
      return ingester.ingest(batch, partial);
    },

    /** Newest first; keyset on (startedAt, id). */
    async list(filter: FeatureUsageFilter): Promise<{ items: FeatureUsageView[]; nextCursor: string | null }> {
      const after = filter.cursor ? (decodeCursor(filter.cursor, ['number', 'string']) as [number, string]) : undefined;
      const rows = await store.featureUsage.list({
        session: filter.session ? canonicalUuid(filter.session) : undefined,
        feature: filter.feature || undefined,
        from: filter.from,
        to: filter.to,
        after,
        limit: filter.limit + 1,
      });
      const result = page(rows, filter.limit, (r) => [r.startedAt, r.id]);
      return { items: result.rows.map(view), nextCursor: result.nextCursor };
    },
  };
}

export type FeatureUsageService = ReturnType<typeof createFeatureUsageService>;
