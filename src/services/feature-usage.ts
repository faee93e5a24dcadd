import { eq, gte, lt, sql } from 'drizzle-orm';
import { featureUsage } from '../db/sqlite/schema.js';
import { applyItemCheck, createBatchParser, type ItemCheck } from '../lib/batch-body.js';
import { canonicalUuid, newId } from '../lib/ids.js';
import { iso, isoOrNull, toMillis } from '../lib/time.js';
import { FeatureUsageInput } from '../schemas/feature-usage.js';
import { listNewestFirst } from './keyset-list.js';
import { createBatchIngester, type BatchResult } from './batch-ingest.js';
import type { IngestDeps } from './index.js';

type Row = typeof featureUsage.$inferSelect;

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

export function createFeatureUsageService(deps: IngestDeps) {
  const { db } = deps;
  const parse = createBatchParser<FeatureUsageInput>(FeatureUsageInput, deps.config.maxBatch);
  const insert = db
    .insert(featureUsage)
    .values({
      id: sql.placeholder('id'),
      sessionId: sql.placeholder('sessionId'),
      featureName: sql.placeholder('featureName'),
      featureCategory: sql.placeholder('featureCategory'),
      startedAt: sql.placeholder('startedAt'),
      completedAt: sql.placeholder('completedAt'),
      // Wrapped so Drizzle's boolean mapping does not turn null into 0.
      success: sql`${sql.placeholder('success')}`,
      errorMessage: sql.placeholder('errorMessage'),
    })
    .onConflictDoNothing()
    .prepare();

  /** Like a session's endedAt (contract "Sessions"): completedAt before startedAt is a 422. */
  const timeRangeCheck: ItemCheck<FeatureUsageInput> = (value, prefix) => {
    if (value.completedAt === undefined || value.completedAt === null) return null;
    const startedAt = value.startedAt === undefined ? deps.now() : toMillis(value.startedAt);
    if (toMillis(value.completedAt) >= startedAt) return null;
    const message = 'must not be before startedAt';
    return { status: 422, code: 'INVALID_TIME_RANGE', detail: `body${prefix}/completedAt ${message}`, errors: [{ path: `${prefix}/completedAt`, message }] };
  };

  const ingester = createBatchIngester<FeatureUsageInput, Row>(deps, {
    noun: 'feature usage',
    toRow: (input, now) => ({
      id: input.id ? canonicalUuid(input.id) : newId(),
      sessionId: canonicalUuid(input.sessionId),
      featureName: input.featureName,
      featureCategory: input.featureCategory,
      startedAt: input.startedAt === undefined ? now : toMillis(input.startedAt),
      completedAt: input.completedAt === undefined || input.completedAt === null ? null : toMillis(input.completedAt),
      success: input.success ?? null,
      errorMessage: input.errorMessage ?? null,
    }),
    sessionIdOf: (row) => row.sessionId,
    activityAt: (row) => Math.max(row.startedAt, row.completedAt ?? 0),
    insert: (_db, row) => insert.run({ ...row, success: row.success === null ? null : Number(row.success) }).changes > 0,
  });

  return {
    /** One usage or `{ items }`; the shared batch rules (contract "Tool calls"). */
    async ingest(body: unknown, partial: boolean): Promise<BatchResult> {
      const batch = applyItemCheck(parse(body, partial), partial, timeRangeCheck);
      return ingester.ingest(batch, partial);
    },

    /** Newest first; keyset on (startedAt, id). */
    list(filter: FeatureUsageFilter): { items: FeatureUsageView[]; nextCursor: string | null } {
      const t = featureUsage;
      const result = listNewestFirst(db, {
        table: t,
        time: t.startedAt,
        id: t.id,
        timeOf: (r: typeof t.$inferSelect) => r.startedAt,
        idOf: (r: typeof t.$inferSelect) => r.id,
        conditions: [
          filter.session ? eq(t.sessionId, canonicalUuid(filter.session)) : undefined,
          filter.feature ? eq(t.featureName, filter.feature) : undefined,
          filter.from !== undefined ? gte(t.startedAt, filter.from) : undefined,
          filter.to !== undefined ? lt(t.startedAt, filter.to) : undefined,
        ],
        cursor: filter.cursor,
        limit: filter.limit,
      });
      return { items: result.rows.map(view), nextCursor: result.nextCursor };
    },
  };
}

export type FeatureUsageService = ReturnType<typeof createFeatureUsageService>;
