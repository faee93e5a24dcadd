import type { RetentionCounts, RetentionRunRow } from './store.js';

/**
 * A retention_runs row as either engine's Drizzle table reads it (the same columns on both),
 * and the port's RetentionRunRow made from it: the mapping is the engines' in common, the
 * queries are each engine's own.
 */
type StoredRunRow = Omit<RetentionRunRow, 'counts'> & {
  deletedToolCalls: number;
  deletedSessions: number;
  deletedProductivityEvents: number;
  deletedFeatureUsage: number;
  staleSessionsClosed: number;
};

export function runRow(row: StoredRunRow): RetentionRunRow {
  return {
    id: row.id,
    trigger: row.trigger,
    dryRun: row.dryRun,
    status: row.status,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    counts: {
      toolCalls: row.deletedToolCalls,
      sessions: row.deletedSessions,
      productivityEvents: row.deletedProductivityEvents,
      featureUsage: row.deletedFeatureUsage,
      staleSessionsClosed: row.staleSessionsClosed,
    },
    vacuumMode: row.vacuumMode,
    vacuumNote: row.vacuumNote,
    bytesBefore: row.bytesBefore,
    bytesAfter: row.bytesAfter,
    error: row.error,
  };
}

export const countColumns = (c: RetentionCounts) => ({
  deletedToolCalls: c.toolCalls,
  deletedSessions: c.sessions,
  deletedProductivityEvents: c.productivityEvents,
  deletedFeatureUsage: c.featureUsage,
  staleSessionsClosed: c.staleSessionsClosed,
});
