import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { AUDIT_ACTIONS, ROLES, RUN_STATUSES, RUN_TRIGGERS, VACUUM_MODES } from '../../../lib/vocabulary.js';
import { DEV_SESSION_STATUSES, DEV_SESSION_TYPES } from '../../row-types.js';
import { enumOf, inList } from './check.js';
import { int8, ms } from './columns.js';

/**
 * Profiles, sessions, API keys, settings and the retention bookkeeping: the PostgreSQL
 * counterpart of src/db/sqlite/schema/core.ts, column for column (test/db/pg/row-types-columns
 * holds profiles and sessions to src/db/row-types.ts). What differs, and why:
 * - booleans are `boolean`, so SQLite's 0/1 checks have nothing left to check;
 * - ids the server or client makes as UUIDs are `uuid` (16 bytes, compared as bytes: the
 *   same order as the lowercase text SQLite compares);
 * - an index is left out where PostgreSQL would pay for it on the hot path: an UPDATE that
 *   changes no indexed column can be HOT (no index touched), so columns that ingest rewrites
 *   on every commit (sessions.last_activity_at, tool_call_count) are in no index.
 */

export const profiles = pgTable(
  'profiles',
  {
    // An identity (never reused, as SQLite's AUTOINCREMENT); 2^31 profiles is far beyond need,
    // and an integer is a plain number in JavaScript.
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    description: text('description'),
    enabled: boolean('enabled').notNull().default(true),
    autoSave: boolean('auto_save').notNull().default(false),
    debugMode: boolean('debug_mode').notNull().default(false),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('profiles_name_uq').on(t.name),
    index('profiles_enabled_name_idx').on(t.enabled, t.name),
    check('profiles_name_ck', sql`char_length(${t.name}) between 1 and 64`),
  ],
);

/** Audit rows outlive the profile they describe, so profile_id carries no foreign key. */
export const profileAudit = pgTable(
  'profile_audit',
  {
    id: int8('id').primaryKey().generatedAlwaysAsIdentity(),
    profileId: integer('profile_id').notNull(),
    profileName: text('profile_name').notNull(),
    action: text('action', { enum: AUDIT_ACTIONS }).notNull(),
    changes: jsonb('changes').notNull(),
    actor: text('actor').notNull(),
    at: ms('at').notNull(),
  },
  (t) => [
    index('profile_audit_profile_idx').on(t.profileId, t.id),
    // A deleted profile's history is found by its last name.
    index('profile_audit_name_idx').on(t.profileName, t.id),
    check('profile_audit_action_ck', inList('action', AUDIT_ACTIONS)),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    profileId: integer('profile_id').references(() => profiles.id),
    // The lists are src/db/row-types.ts's (written once, on the SQLite table).
    type: text('type', { enum: enumOf(DEV_SESSION_TYPES) }).notNull(),
    status: text('status', { enum: enumOf(DEV_SESSION_STATUSES) }).notNull().default('active'),
    project: text('project'),
    startedAt: ms('started_at').notNull(),
    endedAt: ms('ended_at'),
    exitCode: int8('exit_code'),
    outputLines: int8('output_lines').notNull().default(0),
    errorCount: int8('error_count').notNull().default(0),
    toolCallCount: int8('tool_call_count').notNull().default(0),
    updatedAt: ms('updated_at').notNull(),
    /** Latest of startedAt, updatedAt and the times of everything recorded under it. */
    lastActivityAt: ms('last_activity_at').notNull(),
  },
  (t) => [
    // Newest-first pages on (started_at, id), and every report's range of start times.
    index('sessions_started_idx').on(t.startedAt, t.id),
    // The foreign key's index (a profile's sessions, counted before a delete) and the profile filter.
    index('sessions_profile_started_idx').on(t.profileId, t.startedAt),
    // The status filter, and the stale-session close: active sessions are few, so their
    // last_activity_at is read from the rows rather than indexed (see the file comment).
    index('sessions_status_started_idx').on(t.status, t.startedAt),
    // The sessions report per type, covering: the type list is closed (eight values), so the
    // report reads one range per type (PostgreSQL 15 has no skip-scan).
    index('sessions_type_started_idx').on(t.type, t.startedAt, t.status, t.endedAt, t.errorCount, t.outputLines),
    index('sessions_project_started_idx').on(t.project, t.startedAt),
    // Retention of ended sessions.
    index('sessions_ended_idx').on(t.endedAt),
    check('sessions_type_ck', inList('type', DEV_SESSION_TYPES)),
    check('sessions_status_ck', inList('status', DEV_SESSION_STATUSES)),
    check('sessions_counts_ck', sql`${t.outputLines} >= 0 and ${t.errorCount} >= 0 and ${t.toolCallCount} >= 0`),
    check('sessions_ended_ck', sql`${t.endedAt} is null or ${t.endedAt} >= ${t.startedAt}`),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    prefix: text('prefix').notNull(),
    /** SHA-256 of the key: keys are 32 random bytes, so a slow hash adds nothing. */
    hash: text('hash').notNull(),
    createdAt: ms('created_at').notNull(),
    lastUsedAt: ms('last_used_at'),
    expiresAt: ms('expires_at'),
    revokedAt: ms('revoked_at'),
  },
  (t) => [
    uniqueIndex('api_keys_hash_uq').on(t.hash),
    index('api_keys_created_idx').on(t.createdAt, t.id),
    check('api_keys_role_ck', inList('role', ROLES)),
  ],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

/** Cross-replica mutual exclusion (one retention run per database), taken in one statement. */
export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: ms('expires_at').notNull(),
});

export const retentionRuns = pgTable(
  'retention_runs',
  {
    id: int8('id').primaryKey().generatedAlwaysAsIdentity(),
    trigger: text('trigger', { enum: RUN_TRIGGERS }).notNull(),
    dryRun: boolean('dry_run').notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    startedAt: ms('started_at').notNull(),
    finishedAt: ms('finished_at'),
    deletedToolCalls: int8('deleted_tool_calls').notNull().default(0),
    deletedSessions: int8('deleted_sessions').notNull().default(0),
    deletedProductivityEvents: int8('deleted_productivity_events').notNull().default(0),
    deletedFeatureUsage: int8('deleted_feature_usage').notNull().default(0),
    staleSessionsClosed: int8('stale_sessions_closed').notNull().default(0),
    vacuumMode: text('vacuum_mode', { enum: VACUUM_MODES }).notNull(),
    vacuumNote: text('vacuum_note'),
    bytesBefore: int8('bytes_before'),
    bytesAfter: int8('bytes_after'),
    error: text('error'),
  },
  (t) => [
    index('retention_runs_started_idx').on(t.startedAt),
    check('retention_runs_trigger_ck', inList('trigger', RUN_TRIGGERS)),
    check('retention_runs_status_ck', inList('status', RUN_STATUSES)),
    check('retention_runs_vacuum_ck', inList('vacuum_mode', VACUUM_MODES)),
  ],
);
