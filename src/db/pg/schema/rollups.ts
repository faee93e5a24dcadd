import { doublePrecision, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { bytea, int8, ms } from './columns.js';

/**
 * Tool-call rollups, the PostgreSQL counterpart of src/db/sqlite/schema/rollups.ts (the same
 * rows, keys and meaning: read that file for the two levels). The arithmetic is the engine-
 * neutral src/lib/rollup-deltas.ts, so the two engines answer the same numbers.
 *
 * Differences, and why:
 * - duration_sum is a double: the sums are made in JavaScript, as doubles, from durations of
 *   up to 2^53 − 1 ms each, so a double holds exactly what the code computed (exact below 2^53,
 *   rounded beyond, as the JavaScript sum itself is); a bigint would make the fold fail for
 *   good (out of range past 2^63) or a read fail (the int8 parser past 2^53) on an absurd but
 *   valid duration.
 * - no partial index on `calls = 0`: an index on calls would make every fold of a row a
 *   non-HOT update (every index touched). So the fold (later work) is to delete a row a
 *   subtraction empties in the statement that empties it, rather than find it later.
 * - the fold is contention-free across replicas: ingest only appends to
 *   tool_call_rollup_deltas; one leader at a time (pg_try_advisory_xact_lock) folds.
 */
const rollupFigures = () => ({
  calls: int8('calls').notNull(),
  errors: int8('errors').notNull(),
  timeouts: int8('timeouts').notNull(),
  durationSum: doublePrecision('duration_sum').notNull(),
  durationMax: int8('duration_max').notNull(),
  /** Sorted [bucket, count] pairs, little-endian uint32 (src/lib/latency-histogram.ts). */
  histogram: bytea('histogram').notNull(),
});

/** Per 15-minute UTC slot × tool × profile (0 = none) × project ('' = none). */
export const toolCallSlotRollups = pgTable(
  'tool_call_slot_rollups',
  {
    slotStart: ms('slot_start').notNull(),
    toolName: text('tool_name').notNull(),
    profileId: integer('profile_id').notNull().default(0),
    project: text('project').notNull().default(''),
    ...rollupFigures(),
  },
  (t) => [primaryKey({ name: 'tool_call_slot_rollups_pk', columns: [t.slotStart, t.toolName, t.profileId, t.project] })],
);

/** Per grain × scope ('' | 'profile:<id>' | 'project:<name>') × slot × tool. */
export const toolCallSummaries = pgTable(
  'tool_call_summaries',
  {
    grain: integer('grain').notNull(),
    scope: text('scope').notNull(),
    slotStart: ms('slot_start').notNull(),
    toolName: text('tool_name').notNull(),
    ...rollupFigures(),
  },
  (t) => [primaryKey({ name: 'tool_call_summaries_pk', columns: [t.grain, t.slotStart, t.scope, t.toolName] })],
);

/**
 * What ingest added and no leader folded yet: each group commit of each replica appends one
 * row (its calls' slot-level deltas, src/lib/rollup-deltas.ts's encoding); the leader takes
 * them all with one `delete … returning` and folds them in the same transaction, so a delta
 * is folded exactly once whichever replica wrote it, and one committed later than the fold's
 * snapshot simply waits for the next fold. Order does not matter: the fold adds. A reader
 * adds the waiting deltas to the rows it reads, in one snapshot, so the rollups it sees
 * equal the stored calls.
 */
export const toolCallRollupDeltas = pgTable('tool_call_rollup_deltas', {
  id: int8('id').primaryKey().generatedAlwaysAsIdentity(),
  deltas: jsonb('deltas').notNull(),
  /** When it was appended: the age of the oldest says how far behind the fold is. */
  at: ms('at').notNull(),
});
