import { sql } from 'drizzle-orm';
import type { PgContext } from './context.js';
import { inTransaction } from './transaction.js';

/** 'devfrcnt': one replica at a time folds row counts. */
const FOLD_LOCK = 7234318558818430580n;

/**
 * Moves row_count_deltas into row_counts (schema/counts.ts): the deltas are taken with one
 * `delete … returning` and summed into row_counts in the same transaction, so a reader (which
 * sums both in one snapshot) sees each delta exactly once, and a delta committed after the
 * fold's snapshot waits for the next fold. Under pg_try_advisory_xact_lock: one folder at a
 * time across replicas (two would only wait on each other's row locks). Returns the deltas
 * folded, or null when another replica is folding.
 */
export async function foldRowCounts(ctx: PgContext): Promise<number | null> {
  return inTransaction(ctx, async (tx) => {
    const lock = await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(${FOLD_LOCK.toString()}::int8) as ok`);
    if (!lock.rows[0]?.ok) return null;
    const res = await tx.execute<{ n: number }>(sql`
      with taken as (delete from row_count_deltas returning table_name, rows),
      summed as (select table_name, sum(rows)::int8 as rows, count(*) as n from taken group by table_name),
      folded as (
        insert into row_counts (table_name, rows) select table_name, rows from summed
        on conflict (table_name) do update set rows = row_counts.rows + excluded.rows
      )
      select coalesce(sum(n), 0)::int8 as n from summed`);
    return res.rows[0]?.n ?? 0;
  });
}
