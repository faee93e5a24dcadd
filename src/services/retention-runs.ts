import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../db/sqlite/client.js';
import { retentionRuns } from '../db/sqlite/schema.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { iso, isoOrNull } from '../lib/time.js';
import type { VacuumMode } from './retention-policy.js';

/** The run history (retention_runs): what every run did, succeeded or not. */

export type RunTrigger = 'manual' | 'scheduled' | 'cli';

export type RetentionRunView = {
  id: number;
  trigger: RunTrigger;
  dryRun: boolean;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  deleted: { toolCalls: number; sessions: number; productivityEvents: number; featureUsage: number };
  staleSessionsClosed: number;
  vacuum: { mode: VacuumMode; bytesBefore: number; bytesAfter: number | null; note: string | null };
  error: string | null;
};

type Row = typeof retentionRuns.$inferSelect;

export function runView(row: Row): RetentionRunView {
  return {
    id: row.id,
    trigger: row.trigger,
    dryRun: row.dryRun,
    status: row.status,
    startedAt: iso(row.startedAt),
    finishedAt: isoOrNull(row.finishedAt),
    durationMs: row.finishedAt === null ? null : Math.max(0, row.finishedAt - row.startedAt),
    deleted: {
      toolCalls: row.deletedToolCalls,
      sessions: row.deletedSessions,
      productivityEvents: row.deletedProductivityEvents,
      featureUsage: row.deletedFeatureUsage,
    },
    staleSessionsClosed: row.staleSessionsClosed,
    vacuum: { mode: row.vacuumMode, bytesBefore: row.bytesBefore ?? 0, bytesAfter: row.bytesAfter, note: row.vacuumNote },
    error: row.error,
  };
}

export function getRun(db: Db, id: number): RetentionRunView | null {
  const row = db.select().from(retentionRuns).where(eq(retentionRuns.id, id)).get();
  return row ? runView(row) : null;
}

/** The most recent run (any trigger, any status), for /v1/stats; null before the first run. */
export function lastRun(db: Db): RetentionRunView | null {
  const row = db.select().from(retentionRuns).orderBy(desc(retentionRuns.startedAt), desc(retentionRuns.id)).limit(1).get();
  return row ? runView(row) : null;
}

/** When the newest scheduled run started, or null: the scheduler's catch-up reference. */
export function lastScheduledStart(db: Db): number | null {
  const row = db
    .select({ startedAt: retentionRuns.startedAt })
    .from(retentionRuns)
    .where(eq(retentionRuns.trigger, 'scheduled'))
    .orderBy(desc(retentionRuns.startedAt))
    .limit(1)
    .get();
  return row?.startedAt ?? null;
}

/** Newest first, keyset on (startedAt, id). */
export function listRuns(db: Db, opts: { limit: number; cursor?: string }): { items: RetentionRunView[]; nextCursor: string | null } {
  const after = opts.cursor ? decodeCursor(opts.cursor, ['number', 'number']) : undefined;
  const rows = db
    .select()
    .from(retentionRuns)
    .where(
      after
        ? or(
            lt(retentionRuns.startedAt, after[0] as number),
            and(eq(retentionRuns.startedAt, after[0] as number), lt(retentionRuns.id, after[1] as number)),
          )
        : undefined,
    )
    .orderBy(desc(retentionRuns.startedAt), desc(retentionRuns.id))
    .limit(opts.limit + 1)
    .all();
  const result = page(rows, opts.limit, (r) => [r.startedAt, r.id]);
  return { items: result.rows.map(runView), nextCursor: result.nextCursor };
}
