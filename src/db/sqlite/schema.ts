import { sql } from 'drizzle-orm';
import { AUDIT_ACTIONS, ROLES, RUN_STATUSES, RUN_TRIGGERS, SESSION_STATUSES, SESSION_TYPES, TOOL_CALL_STATUSES, VACUUM_MODES } from '../../lib/vocabulary.js';
import { blob, check, index, integer, primaryKey, real, sqliteTable, sqliteView, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The whole schema. Times are INTEGER epoch milliseconds (UTC); ids made by the server are
 * UUID v7 (time-ordered, so inserts append to the primary-key B-tree).
 */


const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

export const profiles = sqliteTable(
  'profiles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    description: text('description'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    autoSave: integer('auto_save', { mode: 'boolean' }).notNull().default(false),
    debugMode: integer('debug_mode', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('profiles_name_uq').on(t.name),
    index('profiles_enabled_name_idx').on(t.enabled, t.name),
    check('profiles_name_ck', sql`length(${t.name}) between 1 and 64`),
    check('profiles_flags_ck', sql`${t.enabled} in (0, 1) and ${t.autoSave} in (0, 1) and ${t.debugMode} in (0, 1)`),
  ],
);

/** Audit rows outlive the profile they describe, so profile_id carries no foreign key. */
export const profileAudit = sqliteTable(
  'profile_audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    profileId: integer('profile_id').notNull(),
    profileName: text('profile_name').notNull(),
    action: text('action', { enum: AUDIT_ACTIONS }).notNull(),
    changes: text('changes', { mode: 'json' }).notNull(),
    actor: text('actor').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [
    index('profile_audit_profile_idx').on(t.profileId, t.id),
    // A deleted profile's history is found by its last name.
    index('profile_audit_name_idx').on(t.profileName, t.id),
    check('profile_audit_action_ck', inList('action', AUDIT_ACTIONS)),
  ],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    profileId: integer('profile_id').references(() => profiles.id),
    type: text('type', { enum: SESSION_TYPES }).notNull(),
    status: text('status', { enum: SESSION_STATUSES }).notNull().default('active'),
    project: text('project'),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    exitCode: integer('exit_code'),
    outputLines: integer('output_lines').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    toolCallCount: integer('tool_call_count').notNull().default(0),
    updatedAt: integer('updated_at').notNull(),
    /** Latest of startedAt, updatedAt and the times of everything recorded under it. */
    lastActivityAt: integer('last_activity_at').notNull(),
  },
  (t) => [
    index('sessions_started_idx').on(t.startedAt, t.id),
    index('sessions_profile_status_idx').on(t.profileId, t.status, t.startedAt),
    // Pages of one profile's or one status's sessions, newest first, without sorting them all.
    index('sessions_profile_started_idx').on(t.profileId, t.startedAt),
    index('sessions_status_started_idx').on(t.status, t.startedAt),
    index('sessions_type_started_idx').on(t.type, t.startedAt),
    index('sessions_status_activity_idx').on(t.status, t.lastActivityAt),
    index('sessions_project_started_idx').on(t.project, t.startedAt),
    index('sessions_ended_idx').on(t.endedAt),
    check('sessions_type_ck', inList('type', SESSION_TYPES)),
    check('sessions_status_ck', inList('status', SESSION_STATUSES)),
    check('sessions_counts_ck', sql`${t.outputLines} >= 0 and ${t.errorCount} >= 0 and ${t.toolCallCount} >= 0`),
    check('sessions_ended_ck', sql`${t.endedAt} is null or ${t.endedAt} >= ${t.startedAt}`),
  ],
);

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

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    prefix: text('prefix').notNull(),
    /** SHA-256 of the key: keys are 32 random bytes, so a slow hash adds nothing. */
    hash: text('hash').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [
    uniqueIndex('api_keys_hash_uq').on(t.hash),
    index('api_keys_created_idx').on(t.createdAt, t.id),
    check('api_keys_role_ck', inList('role', ROLES)),
  ],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Cross-process mutual exclusion (one retention run per database file). */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

export const retentionRuns = sqliteTable(
  'retention_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    trigger: text('trigger', { enum: RUN_TRIGGERS }).notNull(),
    dryRun: integer('dry_run', { mode: 'boolean' }).notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    deletedToolCalls: integer('deleted_tool_calls').notNull().default(0),
    deletedSessions: integer('deleted_sessions').notNull().default(0),
    deletedProductivityEvents: integer('deleted_productivity_events').notNull().default(0),
    deletedFeatureUsage: integer('deleted_feature_usage').notNull().default(0),
    staleSessionsClosed: integer('stale_sessions_closed').notNull().default(0),
    vacuumMode: text('vacuum_mode', { enum: VACUUM_MODES }).notNull(),
    vacuumNote: text('vacuum_note'),
    bytesBefore: integer('bytes_before'),
    bytesAfter: integer('bytes_after'),
    error: text('error'),
  },
  (t) => [
    index('retention_runs_started_idx').on(t.startedAt),
    check('retention_runs_trigger_ck', sql`${t.trigger} in ('manual', 'scheduled', 'cli')`),
    check('retention_runs_status_ck', sql`${t.status} in ('running', 'succeeded', 'failed')`),
    check('retention_runs_vacuum_ck', sql`${t.vacuumMode} in ('incremental', 'full', 'off')`),
  ],
);

/** Per UTC day and event type; the API's tz-aware grouping lives in the reports service. */
export const productivitySummary = sqliteView('productivity_summary', {
  day: text('day').notNull(),
  eventType: text('event_type').notNull(),
  eventCount: integer('event_count').notNull(),
  avgTimeSaved: real('avg_time_saved'),
  avgImprovement: real('avg_improvement'),
  totalTimeSaved: real('total_time_saved'),
}).as(sql`select strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') as day, event_type,
  count(*) as event_count, avg(time_saved) as avg_time_saved,
  avg(improvement_percentage) as avg_improvement, sum(time_saved) as total_time_saved
  from productivity_events group by day, event_type`);

export const featureAdoption = sqliteView('feature_adoption', {
  featureCategory: text('feature_category').notNull(),
  featureName: text('feature_name').notNull(),
  usageCount: integer('usage_count').notNull(),
  uniqueSessions: integer('unique_sessions').notNull(),
  successRate: real('success_rate'),
  avgDurationSeconds: real('avg_duration_seconds'),
}).as(sql`select feature_category, feature_name, count(*) as usage_count,
  count(distinct session_id) as unique_sessions,
  avg(case when success is null then null when success then 1.0 else 0.0 end) as success_rate,
  avg(case when completed_at is null then null else (completed_at - started_at) / 1000.0 end) as avg_duration_seconds
  from feature_usage group by feature_category, feature_name`);

/** The sessions report over all time: durations of ended sessions, p95 nearest-rank. */
export const sessionStats = sqliteView('session_stats', {
  type: text('type').notNull(),
  total: integer('total').notNull(),
  active: integer('active').notNull(),
  completed: integer('completed').notNull(),
  failed: integer('failed').notNull(),
  cancelled: integer('cancelled').notNull(),
  successRate: real('success_rate'),
  avgDurationMinutes: real('avg_duration_minutes'),
  p95DurationMinutes: real('p95_duration_minutes'),
  errorCount: integer('error_count').notNull(),
  errorsPerSession: real('errors_per_session'),
  outputLines: integer('output_lines').notNull(),
}).as(sql`select type, count(*) as total,
  sum(status = 'active') as active, sum(status = 'completed') as completed,
  sum(status = 'failed') as failed, sum(status = 'cancelled') as cancelled,
  1.0 * sum(status = 'completed') / nullif(sum(status <> 'active'), 0) as success_rate,
  avg(d / 60000.0) as avg_duration_minutes,
  max(case when d is not null and rn = (95 * ended + 99) / 100 then d end) / 60000.0 as p95_duration_minutes,
  sum(error_count) as error_count, 1.0 * sum(error_count) / count(*) as errors_per_session,
  sum(output_lines) as output_lines
  from (select type, status, error_count, output_lines, ended_at - started_at as d,
    row_number() over w as rn, count(*) over (w rows between unbounded preceding and unbounded following) as ended
    from sessions window w as (partition by type, ended_at is null order by ended_at - started_at))
  group by type`);
