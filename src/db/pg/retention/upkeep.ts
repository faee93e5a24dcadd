import { sql } from 'drizzle-orm';
import type { VacuumMode } from '../../../lib/vocabulary.js';
import type { PgContext } from '../context.js';
import type { SliceRunner } from './slice-runner.js';
import type { Touched } from './steps.js';

const DAY_MS = 86_400_000;

/**
 * The rollups of whole UTC days that ended before cutoff (as SQLite: slot rows and every
 * summary grain), a growing number of days per slice. Deltas not yet folded for such old slots
 * (ingest of very old calls) are folded by the rollup leader later and may bring a row back;
 * the next run deletes it again.
 */
export async function deleteExpiredRollups(run: SliceRunner, ctx: PgContext, cutoff: number): Promise<number> {
  const limit = Math.floor(cutoff / DAY_MS) * DAY_MS;
  let days = 1;
  let total = 0;
  for (;;) {
    const res = await ctx.db.execute<{ t: number | null }>(
      sql`select least((select min(slot_start) from tool_call_slot_rollups), (select min(slot_start) from tool_call_summaries)) as t`,
    );
    const oldest = res.rows[0]?.t ?? null;
    if (oldest === null || oldest >= limit) return total;
    const hi = Math.min(limit, Math.floor(oldest / DAY_MS) * DAY_MS + days * DAY_MS);
    total += await run.write(null, async (tx) => {
      const a = await tx.execute(sql`delete from tool_call_slot_rollups where slot_start < ${hi}::int8`);
      const b = await tx.execute(sql`delete from tool_call_summaries where slot_start < ${hi}::int8`);
      return (a.rowCount ?? 0) + (b.rowCount ?? 0);
    });
    days = Math.min(days * 2, 64);
    await run.pause();
  }
}

/** The tables retention deletes from, for ANALYZE (a partitioned parent's ANALYZE samples its partitions too). */
const ANALYZED = ['tool_calls', 'productivity_events', 'feature_usage', 'sessions', 'tool_call_ids', 'productivity_event_ids', 'feature_usage_ids', 'tool_call_slot_rollups', 'tool_call_summaries'];

export async function analyzeTables(ctx: PgContext): Promise<void> {
  await ctx.pool.query(`analyze ${ANALYZED.join(', ')}`);
}

const VACUUMED = ['sessions', 'tool_call_ids', 'productivity_event_ids', 'feature_usage_ids', 'tool_call_slot_rollups', 'tool_call_summaries', 'row_count_deltas'];

/**
 * Gives the space of deleted rows back for reuse: plain VACUUM of the partitions the sliced
 * deletes touched and of the other tables retention deletes from. Dropped weeks need nothing:
 * their files are gone at COMMIT. Plain VACUUM takes SHARE UPDATE EXCLUSIVE, so ingest and
 * reads go on. VACUUM FULL would rewrite each table under ACCESS EXCLUSIVE (every reader and
 * writer of every replica blocked for the whole rewrite), so mode `full` runs the plain one and
 * says so in the note, as SQLite notes what it skipped. VACUUM cannot run in a transaction: one
 * statement per table, on the pool, the lease renewed between them.
 */
export async function reclaimSpace(ctx: PgContext, run: SliceRunner, mode: VacuumMode, touched: Touched): Promise<string | null> {
  if (mode === 'off') return null;
  const tables = [...VACUUMED, ...touched];
  for (const table of tables) {
    await run.keepAlive();
    const t0 = performance.now();
    await ctx.db.execute(sql`vacuum (analyze) ${sql.identifier(table)}`);
    run.onSlice?.(performance.now() - t0, 1);
  }
  return mode === 'full'
    ? 'VACUUM FULL skipped on PostgreSQL: it locks each table against reads and writes for its whole rewrite; plain VACUUM ran instead (expired weeks were dropped whole, which gives their space back)'
    : null;
}
