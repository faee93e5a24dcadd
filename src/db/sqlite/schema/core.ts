import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { AUDIT_ACTIONS, ROLES, RUN_STATUSES, RUN_TRIGGERS, VACUUM_MODES } from '../../../lib/vocabulary.js';
import { inList } from './check.js';

/**
 * Profiles, sessions, API keys, settings and the retention bookkeeping. Times are INTEGER epoch
 * milliseconds (UTC); ids made by the server are UUID v7 (time-ordered).
 */

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
    // The session type and status lists are written down here and nowhere else: src/db/row-types.ts
    // derives their schemas from these columns, and everything else takes them from there.
    type: text('type', { enum: ['repl', 'profile', 'test', 'watch', 'lint', 'typecheck', 'mcp', 'agent'] }).notNull(),
    status: text('status', { enum: ['active', 'completed', 'failed', 'cancelled'] }).notNull().default('active'),
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
    // Covering for the sessions report: per type, a range of start times with everything it
    // aggregates (its p95 reads one type's durations), without a table lookup per session.
    index('sessions_type_started_idx').on(t.type, t.startedAt, t.status, t.endedAt, t.errorCount, t.outputLines),
    index('sessions_status_activity_idx').on(t.status, t.lastActivityAt),
    index('sessions_project_started_idx').on(t.project, t.startedAt),
    index('sessions_ended_idx').on(t.endedAt),
    check('sessions_type_ck', inList('type', t.type.enumValues)),
    check('sessions_status_ck', inList('status', t.status.enumValues)),
    check('sessions_counts_ck', sql`${t.outputLines} >= 0 and ${t.errorCount} >= 0 and ${t.toolCallCount} >= 0`),
    check('sessions_ended_ck', sql`${t.endedAt} is null or ${t.endedAt} >= ${t.startedAt}`),
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

/**
 * Rows per table for GET /v1/stats, kept as rows come and go so stats never count a table
 * (count(*) reads a whole table: slow at 10M calls, slower cold). Triggers keep sessions, profiles,
 * productivity_events and feature_usage, and tool_calls' deletes; tool_calls' inserts are added
 * by the move that makes them (a per-row trigger would run on the hot path for every row).
 */
export const rowCounts = sqliteTable('row_counts', {
  tableName: text('table_name').primaryKey(),
  rows: integer('rows').notNull(),
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
