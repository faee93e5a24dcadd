import { sql } from 'drizzle-orm';
import { check, pgTable, text } from 'drizzle-orm/pg-core';
import { int8, ms } from './columns.js';

/**
 * Exact rows per table for GET /v1/stats, quick at any size (count(*) reads a whole table:
 * seconds at 10M calls). Not pg_class.reltuples: that is an estimate, refreshed only by
 * VACUUM and ANALYZE, so a fresh write would not show and the shared HTTP suite's exact counts
 * could not hold. Not one counter row updated by every commit either: its row lock would
 * serialize the commits of every replica (each holds it until its COMMIT's flush).
 *
 * So the same shape as the rollups: a commit appends what it changed to row_count_deltas (an
 * insert never waits for another replica), the leader folds them into row_counts now and then,
 * and a reader sums both in one statement (one snapshot: a delta is either still appended or
 * already folded, never both).
 */
export const rowCounts = pgTable('row_counts', {
  tableName: text('table_name').primaryKey(),
  rows: int8('rows').notNull(),
});

export const rowCountDeltas = pgTable(
  'row_count_deltas',
  {
    id: int8('id').primaryKey().generatedAlwaysAsIdentity(),
    tableName: text('table_name').notNull(),
    rows: int8('rows').notNull(),
    /** When it was appended: the age of the oldest says how far behind the fold is. */
    at: ms('at').notNull(),
  },
  // No index besides the key: the fold takes every row, and a reader sums the few that wait.
  (t) => [check('row_count_deltas_rows_ck', sql`${t.rows} <> 0`)],
);
