import { sql } from 'drizzle-orm';
import { check, index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { TOOL_CALL_STATUSES } from '../../../lib/vocabulary.js';
import { inList } from './check.js';
import { sessions } from './core.js';

/** A tool call's columns: in tool_calls, and as staged in tool_call_inbox. */
const toolCallColumns = () => ({
  id: text('id').primaryKey(),
  sessionId: text('session_id')
    .notNull()
    .references(() => sessions.id, { onDelete: 'cascade' }),
  toolName: text('tool_name').notNull(),
  durationMs: integer('duration_ms').notNull(),
  status: text('status', { enum: TOOL_CALL_STATUSES }).notNull(),
  errorType: text('error_type'),
  timestamp: integer('timestamp').notNull(),
});

export const toolCalls = sqliteTable(
  'tool_calls',
  toolCallColumns(),
  (t) => [
    // Covering index for the per-tool reports: time range first, then everything they read.
    index('tool_calls_ts_tool_idx').on(t.timestamp, t.toolName, t.status, t.durationMs),
    index('tool_calls_session_ts_idx').on(t.sessionId, t.timestamp),
    // Covering too: per-tool aggregates read each tool's time range in tool order (skip-scan),
    // without a GROUP BY sort or a table lookup per row (60 ms instead of 450 ms at 1M rows, 30 days).
    index('tool_calls_tool_ts_idx').on(t.toolName, t.timestamp, t.status, t.durationMs),
    check('tool_calls_status_ck', inList('status', TOOL_CALL_STATUSES)),
    check('tool_calls_duration_ck', sql`${t.durationMs} >= 0`),
  ],
);

/**
 * Tool calls with the client's id that were committed but not yet moved into tool_calls
 * (src/services/tool-call-inbox.ts; server-made ones wait in tool_call_batches). Ingest appends
 * here, to small B-trees; every ~50 ms the rows move into tool_calls in one statement, so each
 * of its scattered index pages (one per session and per tool) is written once per move instead
 * of once per group commit. Everything that reads tool_calls moves them
 * first; a session's delete takes its staged calls along (cascade).
 */
export const toolCallInbox = sqliteTable(
  'tool_call_inbox',
  toolCallColumns(),
  (t) => [
    // A session's delete finds its staged calls without a scan (foreign-key cascade).
    index('tool_call_inbox_session_idx').on(t.sessionId),
    // tool_calls' own checks, so a bad row fails its ingest, never the move.
    check('tool_call_inbox_status_ck', inList('status', TOOL_CALL_STATUSES)),
    check('tool_call_inbox_duration_ck', sql`${t.durationMs} >= 0`),
  ],
);

/**
 * Tool calls with server-made ids, staged like tool_call_inbox but one row per group commit:
 * `calls` is a JSON array of [id, session_id, tool_name, duration_ms, status, error_type,
 * timestamp] arrays. One insert per commit instead of three B-tree inserts a call (~5 µs a
 * single call). The sessions' toolCallCount and lastActivityAt move with the calls (sessions):
 * once per session per move instead of once per group commit. Their ids cannot collide, so they need no key; a call whose session was deleted
 * before the move is dropped by the move, as the cascade drops a staged row.
 */
export const toolCallBatches = sqliteTable('tool_call_batches', {
  id: integer('id').primaryKey(),
  calls: text('calls').notNull(),
  // What the group's stored tool calls (these and its tool_call_inbox rows) add to their sessions, applied
  // by the move: a JSON array of [session_id, calls, latest timestamp].
  sessions: text('sessions').notNull().default('[]'),
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
