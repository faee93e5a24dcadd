import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { TOOL_CALL_STATUSES } from '../../../lib/vocabulary.js';
import { inList } from './check.js';
import { int8, ms } from './columns.js';
import { sessions } from './core.js';

/**
 * The three big tables, RANGE-partitioned on their time column by week. drizzle-kit cannot
 * create partitioned tables, so these definitions are for typed queries only:
 * drizzle.pg.config.ts does not list this file, and the tables are made by the hand-written
 * migration migrations/pg/0001_partitioned_telemetry.sql (through `drizzle-kit generate
 * --custom`), with their partitions by devflow_ensure_partitions() (0002). A test
 * (test/db/pg/partitioned-tables.test.ts) holds these definitions and that DDL to the same
 * columns, types, indexes, checks and foreign keys.
 *
 * Why partitioned: retention drops whole expired weeks (no DELETE of millions of rows, no
 * bloat left for VACUUM), and a time range reads only its weeks. Why by week: see the
 * function's migration (0002).
 *
 * There is no primary key: one would have to include the time column, so it could not make an
 * id unique across weeks. The id tables (schema/ids.ts) do that, and no index on `id` is kept
 * here (every index costs every insert; nothing reads these rows by id alone). Lists and
 * exports page on (time, id), which the `_ts_idx` indexes hold in order.
 */

export const toolCalls = pgTable(
  'tool_calls',
  {
    id: uuid('id').notNull(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    toolName: text('tool_name').notNull(),
    durationMs: int8('duration_ms').notNull(),
    status: text('status', { enum: TOOL_CALL_STATUSES }).notNull(),
    errorType: text('error_type'),
    timestamp: ms('timestamp').notNull(),
  },
  (t) => [
    // Newest-first lists and oldest-first exports on (timestamp, id), time-range reports, max().
    index('tool_calls_ts_idx').on(t.timestamp, t.id),
    // The foreign key's index (a session's delete cascades through it) and the session filter.
    index('tool_calls_session_ts_idx').on(t.sessionId, t.timestamp),
    // One tool's calls in a time range (PostgreSQL 15 has no skip-scan to find them in the above).
    index('tool_calls_tool_ts_idx').on(t.toolName, t.timestamp),
    check('tool_calls_status_ck', inList('status', TOOL_CALL_STATUSES)),
    check('tool_calls_duration_ck', sql`${t.durationMs} >= 0`),
  ],
);

export const productivityEvents = pgTable(
  'productivity_events',
  {
    id: uuid('id').notNull(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    traditionalTimeEstimate: doublePrecision('traditional_time_estimate').notNull(),
    actualTimeTaken: doublePrecision('actual_time_taken').notNull(),
    timeSaved: doublePrecision('time_saved').notNull(),
    improvementPercentage: doublePrecision('improvement_percentage'),
    contextData: text('context_data'),
    userSatisfaction: integer('user_satisfaction'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [
    index('productivity_events_created_idx').on(t.createdAt, t.id),
    index('productivity_events_session_idx').on(t.sessionId, t.createdAt),
    // The event-type filter, and the report's one range per (period, event type).
    index('productivity_events_type_idx').on(t.eventType, t.createdAt),
    check('productivity_events_times_ck', sql`${t.traditionalTimeEstimate} >= 0 and ${t.actualTimeTaken} >= 0`),
    check('productivity_events_satisfaction_ck', sql`${t.userSatisfaction} is null or ${t.userSatisfaction} between 1 and 5`),
  ],
);

export const featureUsage = pgTable(
  'feature_usage',
  {
    id: uuid('id').notNull(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    featureName: text('feature_name').notNull(),
    featureCategory: text('feature_category').notNull(),
    startedAt: ms('started_at').notNull(),
    completedAt: ms('completed_at'),
    success: boolean('success'),
    errorMessage: text('error_message'),
  },
  (t) => [
    index('feature_usage_started_idx').on(t.startedAt, t.id),
    index('feature_usage_session_idx').on(t.sessionId, t.startedAt),
    index('feature_usage_feature_idx').on(t.featureName, t.startedAt),
    check('feature_usage_completed_ck', sql`${t.completedAt} is null or ${t.completedAt} >= ${t.startedAt}`),
  ],
);

/** Each partitioned table with its partition key, for the partition upkeep and the tests. */
export const PARTITIONED = [
  { table: toolCalls, key: toolCalls.timestamp },
  { table: productivityEvents, key: productivityEvents.createdAt },
  { table: featureUsage, key: featureUsage.startedAt },
] as const;
