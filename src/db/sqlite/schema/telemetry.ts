import { sql } from 'drizzle-orm';
import { blob, check, index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { TOOL_CALL_STATUSES } from '../../../lib/vocabulary.js';
import { inList } from './check.js';
import { sessions } from './core.js';

/**
 * Tool calls. `seq` orders them by arrival and never repeats (AUTOINCREMENT): the id index
 * (tool_call_ids) takes them in seq ranges. There is no index on `id`: clients' random ids
 * scattered over one global B-tree wrote about a page per call once it outgrew the cache
 * (bench/RESULTS.md); the id index is built in sorted runs instead.
 */
export const toolCalls = sqliteTable(
  'tool_calls',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    toolName: text('tool_name').notNull(),
    durationMs: integer('duration_ms').notNull(),
    status: text('status', { enum: TOOL_CALL_STATUSES }).notNull(),
    errorType: text('error_type'),
    timestamp: integer('timestamp').notNull(),
  },
  (t) => [
    // Covering index for the per-tool reports: time range first, then everything they read.
    index('tool_calls_ts_tool_idx').on(t.timestamp, t.toolName, t.status, t.durationMs),
    index('tool_calls_session_ts_idx').on(t.sessionId, t.timestamp),
    // Covering too: per-tool aggregates read each tool's time range in tool order (skip-scan),
    // without a GROUP BY sort or a table lookup per row.
    index('tool_calls_tool_ts_idx').on(t.toolName, t.timestamp, t.status, t.durationMs),
    check('tool_calls_status_ck', inList('status', TOOL_CALL_STATUSES)),
    check('tool_calls_duration_ck', sql`${t.durationMs} >= 0`),
  ],
);

/**
 * Tool calls committed but not yet moved into tool_calls (src/db/sqlite/tool-call-staging.ts), in
 * arrival order (`seq`): a group commit appends its calls, whatever their timestamps; a move
 * sorts the ones it takes by (timestamp, id) and puts them into tool_calls in that order, with
 * their sessions' counters. No foreign key: a call whose session is gone by the move is left
 * out, as a cascade would have taken it.
 */
export const toolCallStage = sqliteTable('tool_call_stage', {
  seq: integer('seq').primaryKey(),
  id: text('id').notNull(),
  sessionId: text('session_id').notNull(),
  toolName: text('tool_name').notNull(),
  durationMs: integer('duration_ms').notNull(),
  status: text('status').notNull(),
  errorType: text('error_type'),
  timestamp: integer('timestamp').notNull(),
});

/**
 * The id index of tool_calls, as sorted runs (src/db/sqlite/tool-call-ids.ts): each run holds the
 * 16-byte ids of one seq range of tool_calls, in id order, with each call's seq. A run is
 * written once, in order (an append), and merged with its peers into a larger one later, so no
 * write lands on a random page. WITHOUT ROWID (migration 0017): the key is the table.
 */
export const toolCallIds = sqliteTable(
  'tool_call_ids',
  {
    run: integer('run').notNull(),
    id: blob('id', { mode: 'buffer' }).notNull(),
    seq: integer('seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.run, t.id] })],
);

/**
 * The runs of tool_call_ids: their seq range, size, how many of their calls were deleted since,
 * and the lowest and highest id they hold (a lookup skips a run whose range cannot hold the id;
 * null: not known, probe it).
 */
export const toolCallIdRuns = sqliteTable('tool_call_id_runs', {
  run: integer('run').primaryKey(),
  level: integer('level').notNull(),
  firstSeq: integer('first_seq').notNull(),
  lastSeq: integer('last_seq').notNull(),
  ids: integer('ids').notNull(),
  dead: integer('dead').notNull().default(0),
  minId: blob('min_id', { mode: 'buffer' }),
  maxId: blob('max_id', { mode: 'buffer' }),
});

/**
 * The in-memory filter over the runs' ids, saved at close so a start need not read every id
 * again: it answers for the runs whose seq range ends at or before `covered_seq`.
 */
export const toolCallIdFilter = sqliteTable('tool_call_id_filter', {
  id: integer('id').primaryKey(),
  coveredSeq: integer('covered_seq').notNull(),
  capacity: integer('capacity').notNull(),
  /** Ids added since it was built (deleted ones included: a Bloom filter cannot forget). */
  added: integer('added').notNull().default(0),
  bits: blob('bits', { mode: 'buffer' }).notNull(),
});

export const productivityEvents = sqliteTable(
  'productivity_events',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    traditionalTimeEstimate: real('traditional_time_estimate').notNull(),
    actualTimeTaken: real('actual_time_taken').notNull(),
    timeSaved: real('time_saved').notNull(),
    improvementPercentage: real('improvement_percentage'),
    contextData: text('context_data'),
    userSatisfaction: integer('user_satisfaction'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('productivity_events_created_idx').on(t.createdAt, t.eventType),
    index('productivity_events_session_idx').on(t.sessionId, t.createdAt),
    // Covering for the productivity report: one range per (period, event type), aggregated
    // without a table lookup per event.
    index('productivity_events_type_idx').on(t.eventType, t.createdAt, t.timeSaved, t.improvementPercentage),
    check('productivity_events_times_ck', sql`${t.traditionalTimeEstimate} >= 0 and ${t.actualTimeTaken} >= 0`),
    check('productivity_events_satisfaction_ck', sql`${t.userSatisfaction} is null or ${t.userSatisfaction} between 1 and 5`),
  ],
);

export const featureUsage = sqliteTable(
  'feature_usage',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    featureName: text('feature_name').notNull(),
    featureCategory: text('feature_category').notNull(),
    startedAt: integer('started_at').notNull(),
    completedAt: integer('completed_at'),
    success: integer('success', { mode: 'boolean' }),
    errorMessage: text('error_message'),
  },
  (t) => [
    index('feature_usage_started_idx').on(t.startedAt, t.featureName),
    index('feature_usage_session_idx').on(t.sessionId, t.startedAt),
    index('feature_usage_feature_idx').on(t.featureName, t.startedAt),
    check('feature_usage_success_ck', sql`${t.success} is null or ${t.success} in (0, 1)`),
    check('feature_usage_completed_ck', sql`${t.completedAt} is null or ${t.completedAt} >= ${t.startedAt}`),
  ],
);
