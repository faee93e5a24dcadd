import { sql } from 'drizzle-orm';
import type { PgContext } from './context.js';
import { inTransaction } from './transaction.js';

const DAY_MS = 86_400_000;
/** 'devfpjob': one replica at a time runs the partition job (devflow_ensure_partitions also serializes its own callers). */
const PARTITION_JOB_LOCK = 7234318558785335138n;
/** Weeks created ahead: four weeks of margin, so a leader that stops for a while leaves ingest weeks to land in. */
export const WEEKS_AHEAD = 4;
const PARTITIONED_TABLES = ['tool_calls', 'productivity_events', 'feature_usage'];

/**
 * The leader job for partitions ahead of time: creates, for each partitioned table, the weeks
 * from last week to WEEKS_AHEAD weeks ahead (devflow_ensure_partitions, migrations/pg/0002:
 * idempotent, moves stragglers out of the DEFAULT partition). Runs under
 * pg_try_advisory_xact_lock, so of N replicas calling it at start and daily one does the work and
 * the others return at once. Returns the partitions created, or null when another replica
 * held the job.
 */
export async function ensurePartitions(ctx: PgContext, now: number, weeksAhead = WEEKS_AHEAD): Promise<number | null> {
  return inTransaction(ctx, async (tx) => {
    const lock = await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(${PARTITION_JOB_LOCK.toString()}::int8) as ok`);
    if (!lock.rows[0]?.ok) return null;
    let created = 0;
    for (const table of PARTITIONED_TABLES) {
      const res = await tx.execute<{ n: number }>(
        sql`select devflow_ensure_partitions(${table}::regclass, ${now - 7 * DAY_MS}::int8, ${now + weeksAhead * 7 * DAY_MS}::int8) as n`,
      );
      created += res.rows[0]?.n ?? 0;
    }
    return created;
  });
}
