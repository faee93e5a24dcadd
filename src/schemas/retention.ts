import { Type } from '@sinclair/typebox';
import { NullableTimestamp, Page, PageQuery, Timestamp } from './common.js';

const MAX_DAYS = 36_500;
const MAX_HOURS = MAX_DAYS * 24;

const Days = (what: string, example: number) =>
  Type.Integer({ minimum: 1, maximum: MAX_DAYS, description: `${what} older than this many days are deleted (1..${MAX_DAYS})`, example });

const VacuumModeSchema = Type.Union([Type.Literal('incremental'), Type.Literal('full'), Type.Literal('off')], {
  description:
    'incremental: return freed pages to the file system in small steps, then truncate the WAL; full: VACUUM (rewrites the file; blocks writes while it runs; skipped when free disk is less than the database size); off: nothing',
  example: 'incremental',
});

export const RetentionPolicySchema = Type.Object(
  {
    toolCallsDays: Days('tool calls (by timestamp)', 90),
    sessionsDays: Days('ended sessions (by last activity), with everything under them,', 365),
    productivityEventsDays: Days('productivity events (by createdAt)', 365),
    featureUsageDays: Days('feature usage records (by startedAt)', 90),
    staleSessionHours: Type.Integer({
      minimum: 1,
      maximum: MAX_HOURS,
      description: 'active sessions with no activity for this many hours are set to cancelled (endedAt = their last activity)',
      example: 24,
    }),
    rollupDays: Days('tool-call rollups (15-minute slots that feed the tool reports; kept apart from the raw rows so trends outlive them)', 730),
    schedule: Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        'cron expression in the server\'s local time: 5 fields (minute hour day month weekday), or 6 with seconds first, or a nickname (@daily, @hourly…). Takes effect without restart',
      example: '30 3 * * *',
    }),
    vacuum: VacuumModeSchema,
  },
  { $id: 'RetentionPolicy', title: 'RetentionPolicy', additionalProperties: false },
);

/** PUT body: the same object, every field required (a replacement, not a patch), except rollupDays (default 730), which came later. */
export const RetentionPolicyBody = Type.Object(
  { ...RetentionPolicySchema.properties, rollupDays: Type.Optional(RetentionPolicySchema.properties.rollupDays) },
  { title: 'RetentionPolicyInput', additionalProperties: false },
);

export const RetentionRunQuery = Type.Object(
  { dryRun: Type.Optional(Type.Boolean({ default: false, description: 'count what would be deleted and closed; change nothing' })) },
  { additionalProperties: false },
);

const Count = (description: string) => Type.Integer({ minimum: 0, description });

export const RetentionRunSchema = Type.Object(
  {
    id: Type.Integer({ example: 42 }),
    trigger: Type.Union([Type.Literal('manual'), Type.Literal('scheduled'), Type.Literal('cli')]),
    dryRun: Type.Boolean(),
    status: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
    startedAt: Timestamp(),
    finishedAt: NullableTimestamp('null while running'),
    durationMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    deleted: Type.Object(
      {
        toolCalls: Count('tool calls deleted, including those under deleted sessions'),
        sessions: Count('ended sessions deleted'),
        productivityEvents: Count('productivity events deleted, including those under deleted sessions'),
        featureUsage: Count('feature usage records deleted, including those under deleted sessions'),
      },
      { description: 'rows deleted (for a dry run: rows the run would delete now)' },
    ),
    staleSessionsClosed: Count('active sessions set to cancelled (dry run: would be)'),
    vacuum: Type.Object({
      mode: VacuumModeSchema,
      bytesBefore: Count('database size (page_count × page_size) when the run started'),
      bytesAfter: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'database size when the run finished; null while running' }),
      note: Type.Union([Type.String(), Type.Null()], { description: 'why space reclamation was skipped or limited, if it was' }),
    }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'why the run failed; null otherwise' }),
  },
  { $id: 'RetentionRun', title: 'RetentionRun' },
);

export const RetentionRunListQuery = Type.Object(PageQuery, { additionalProperties: false });
export const RetentionRunPage = Page(RetentionRunSchema, 'RetentionRunPage');
