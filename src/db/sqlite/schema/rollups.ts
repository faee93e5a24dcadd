import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Tool-call rollups (issue 9), two levels, fed in the same transaction as the ingest (through
 * tool_call_rollup_deltas below) and deleted only by their own retention (rollupDays): trends
 * outlive raw rows.
 * A histogram is a blob of sorted [bucket, count] pairs (little-endian uint32) over the
 * log-spaced buckets of src/lib/latency-histogram.ts: mergeable by adding counts.
 *
 * The detailed level: per 15-minute UTC slot (every real UTC offset, +05:30 and +05:45
 * included, is a whole number of slots), tool, profile and project. profile_id 0 = no profile
 * and project '' = no project, so the primary key stays unique (NULLs would not be).
 */
/** What every rollup row holds, slot or summary. */
const rollupFigures = () => ({
  calls: integer('calls').notNull(),
  errors: integer('errors').notNull(),
  timeouts: integer('timeouts').notNull(),
  durationSum: integer('duration_sum').notNull(),
  durationMax: integer('duration_max').notNull(),
  histogram: blob('histogram', { mode: 'buffer' }).notNull(),
});

export const toolCallSlotRollups = sqliteTable(
  'tool_call_slot_rollups',
  {
    slotStart: integer('slot_start').notNull(),
    toolName: text('tool_name').notNull(),
    profileId: integer('profile_id').notNull().default(0),
    project: text('project').notNull().default(''),
    ...rollupFigures(),
  },
  (t) => [
    primaryKey({ columns: [t.slotStart, t.toolName, t.profileId, t.project] }),
    // Rows a subtraction (a deleted session) emptied, found without a scan.
    index('tool_call_slot_rollups_empty_idx').on(t.slotStart).where(sql`${t.calls} = 0`),
  ],
);

/**
 * The summary level the unfiltered (or singly filtered) reports read: per grain (15 and 30
 * minutes, 1, 3 and 6 hours, 1 day, all UTC-aligned), scope and tool. Scope '' = every call,
 * at every grain; 'profile:<id>' and 'project:<name>' = the calls of one profile or project,
 * per day only. A report cell is cut into the largest aligned pieces that fit, so 30 days are ~30 rows
 * per tool whatever the ingest rate.
 */
export const toolCallSummaries = sqliteTable(
  'tool_call_summaries',
  {
    grain: integer('grain').notNull(),
    scope: text('scope').notNull(),
    slotStart: integer('slot_start').notNull(),
    toolName: text('tool_name').notNull(),
    ...rollupFigures(),
  },
  (t) => [
    // (grain, slot_start) first: a report's pieces are point lookups either way, and a day's
    // rows of one grain are one range (rebuild, retention).
    primaryKey({ columns: [t.grain, t.slotStart, t.scope, t.toolName] }),
    index('tool_call_summaries_empty_idx').on(t.grain).where(sql`${t.calls} = 0`),
  ],
);

/**
 * What ingest added to the slot rollups and nobody folded in yet: each group commit appends one
 * row (its calls' slot-level deltas as JSON), and they are folded into the two tables above
 * about once a second and before anything reads or rewrites those (src/services/rollups.ts).
 * So the rollups always equal the slot rows plus these, and a commit of a few single calls
 * appends one small row instead of rewriting a histogram of a few KiB per tool it touched.
 */
export const toolCallRollupDeltas = sqliteTable('tool_call_rollup_deltas', {
  id: integer('id').primaryKey(),
  deltas: text('deltas').notNull(),
});
