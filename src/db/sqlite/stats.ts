import { count, max } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { StorageStats } from '../store.js';
import { databaseSizes, type Db } from './client.js';
import { apiKeys, featureUsage, productivityEvents, profiles, retentionRuns, sessions, toolCalls } from './schema/index.js';

/** Rows per table, file sizes and the newest time per kind. */
export function storageStats(db: Db, path: string): StorageStats {
  const rows = (table: SQLiteTable) => db.select({ n: count() }).from(table).get()?.n ?? 0;
  // Each max() is one seek on an index that starts with the time column.
  const newest = (column: SQLiteColumn) => (db.select({ at: max(column) }).from(column.table).get()?.at as number | null | undefined) ?? null;
  return {
    tables: {
      profiles: rows(profiles),
      sessions: rows(sessions),
      toolCalls: rows(toolCalls),
      productivityEvents: rows(productivityEvents),
      featureUsage: rows(featureUsage),
      apiKeys: rows(apiKeys),
      retentionRuns: rows(retentionRuns),
    },
    database: databaseSizes(db, path),
    newest: {
      toolCall: newest(toolCalls.timestamp),
      session: newest(sessions.startedAt),
      productivityEvent: newest(productivityEvents.createdAt),
      featureUsage: newest(featureUsage.startedAt),
    },
  };
}
