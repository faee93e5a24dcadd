import { count, max } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { databaseSizes } from '../db/sqlite/client.js';
import { apiKeys, featureUsage, productivityEvents, profiles, retentionRuns, sessions, toolCalls } from '../db/sqlite/schema.js';
import { isoOrNull } from '../lib/time.js';
import type { IngestDeps } from './index.js';
import { lastRun } from './retention.js';

/** Contract "Operations": GET /v1/stats. */
export function createStatsService({ db, config, counters, inbox }: IngestDeps) {
  const rows = (table: SQLiteTable) => db.select({ n: count() }).from(table).get()?.n ?? 0;
  // Each max() is one seek on an index that starts with the time column.
  const newest = (column: SQLiteColumn) => isoOrNull(db.select({ at: max(column) }).from(column.table).get()?.at as number | null | undefined);

  return {
    snapshot() {
      inbox.drain();
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
        database: databaseSizes(db, config.dbPath),
        newest: {
          toolCall: newest(toolCalls.timestamp),
          session: newest(sessions.startedAt),
          productivityEvent: newest(productivityEvents.createdAt),
          featureUsage: newest(featureUsage.startedAt),
        },
        ingest: counters.snapshot(),
        lastRetentionRun: lastRun(db),
      };
    },
  };
}

export type StatsService = ReturnType<typeof createStatsService>;
