import { eq } from 'drizzle-orm';
import type { FeatureUsageFilter, FeatureUsageRow, Keyset, ProductivityEventFilter, ProductivityEventRow } from '../store.js';
import type { PgContext } from './context.js';
import { listNewestFirst, timeRange } from './keyset-list.js';
import { featureUsage, productivityEvents } from './schema/index.js';

/**
 * The list half of the productivity-event and feature-usage stores: newest first on the row's
 * time, id desc, with the same filters and keyset as SQLite (src/db/sqlite/store.ts).
 */
export function listProductivityEvents(ctx: PgContext, q: ProductivityEventFilter & Keyset<[number, string]>): Promise<ProductivityEventRow[]> {
  const t = productivityEvents;
  const conditions = [q.session === undefined ? undefined : eq(t.sessionId, q.session), q.eventType === undefined ? undefined : eq(t.eventType, q.eventType)];
  return listNewestFirst(ctx.db, { table: t, time: t.createdAt, id: t.id, conditions: [...conditions, ...timeRange(t.createdAt, q)], after: q.after, limit: q.limit });
}

export function listFeatureUsage(ctx: PgContext, q: FeatureUsageFilter & Keyset<[number, string]>): Promise<FeatureUsageRow[]> {
  const t = featureUsage;
  const conditions = [q.session === undefined ? undefined : eq(t.sessionId, q.session), q.feature === undefined ? undefined : eq(t.featureName, q.feature)];
  return listNewestFirst(ctx.db, { table: t, time: t.startedAt, id: t.id, conditions: [...conditions, ...timeRange(t.startedAt, q)], after: q.after, limit: q.limit });
}
