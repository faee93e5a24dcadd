import { count, max } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { EngineStats, StorageStats } from '../store.js';
import { databaseSizes, type Db } from './client.js';
import type { RollupKeeper } from './rollups/keeper.js';
import type { RollupStateAccess } from './rollups/state.js';
import type { ToolCallStaging } from './tool-call-staging.js';
import type { WriteQueue } from './write-queue.js';
import { apiKeys, featureUsage, productivityEvents, retentionRuns, rowCounts, sessions, toolCalls } from './schema/index.js';

/** Rows per table, file sizes and the newest time per kind: a few seeks whatever the size. */
export function storageStats(db: Db, path: string): StorageStats {
  // The big tables' rows are kept in row_counts (schema/core.ts); the two small ones are counted.
  const counted = (table: SQLiteTable) => db.select({ n: count() }).from(table).get()?.n ?? 0;
  const kept = new Map(db.select().from(rowCounts).all().map((r) => [r.tableName, r.rows]));
  const rows = (table: string) => kept.get(table) ?? 0;
  // Each max() is one seek on an index that starts with the time column.
  const newest = (column: SQLiteColumn) => (db.select({ at: max(column) }).from(column.table).get()?.at as number | null | undefined) ?? null;
  return {
    tables: {
      profiles: rows('profiles'),
      sessions: rows('sessions'),
      toolCalls: rows('tool_calls'),
      productivityEvents: rows('productivity_events'),
      featureUsage: rows('feature_usage'),
      apiKeys: counted(apiKeys),
      retentionRuns: counted(retentionRuns),
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

/** The engine's counters and the file sizes: memory reads, a settings row and three pragmas, whatever the size. */
export function engineStats(db: Db, path: string, parts: { writes: WriteQueue; staging: ToolCallStaging; keeper: RollupKeeper; state: RollupStateAccess }): EngineStats {
  const { commits, queued } = parts.writes.stats();
  const lag = parts.keeper.lag();
  return {
    commits,
    queued,
    stagedToolCalls: parts.staging.staged(),
    rollups: { built: parts.state.read().built, pendingBatches: lag.pendingBatches, lagSeconds: lag.seconds },
    database: databaseSizes(db, path),
  };
}
