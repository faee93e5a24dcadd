import { Type } from '@sinclair/typebox';
import { DEV_SESSION_STATUSES, DEV_SESSION_TYPES } from '../db/row-types.js';
import { Nullable, NullableTimestamp, Page, PageQuery, QueryTime, SafeInteger, Timestamp, TimeInput, Uuid } from './common.js';

/** A plain `enum` (not anyOf of consts): clearer in Swagger UI and in validation messages. */
const StringEnum = <T extends readonly string[]>(values: T, options: { description: string; example: T[number] }) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const SessionType = StringEnum(DEV_SESSION_TYPES, { description: 'kind of development operation', example: 'test' });
export const SessionStatus = StringEnum(DEV_SESSION_STATUSES, {
  description: 'active until ended; completed, failed and cancelled are final',
  example: 'active',
});

const Project = Type.String({ minLength: 1, maxLength: 200, description: 'project name or path, free text', example: 'devflow-web' });
const Count = (description: string) => SafeInteger({ minimum: 0, description });

export const SessionSchema = Type.Object(
  {
    id: Uuid(),
    profileId: Nullable(Type.Integer({ description: 'the profile the session ran with', example: 1 })),
    type: SessionType,
    status: SessionStatus,
    project: Nullable(Project),
    startedAt: Timestamp(),
    endedAt: NullableTimestamp('set when the session ends'),
    durationMs: Nullable(Type.Integer({ minimum: 0, description: 'endedAt − startedAt; null while active', example: 93500 })),
    exitCode: Nullable(SafeInteger({ description: 'process exit code, may be negative' })),
    outputLines: Count('lines of output'),
    errorCount: Count('errors reported'),
    toolCallCount: Count('number of stored tool calls of the session (kept exact by ingest)'),
  },
  { $id: 'Session', title: 'Session' },
);

export const ProfileRef = Type.Union(
  [
    Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'profile id' }),
    Type.String({ minLength: 1, maxLength: 64, description: 'profile name (a string of digits is read as an id)' }),
  ],
  { description: 'profile id or name; an unknown profile is a 422 UNKNOWN_PROFILE', example: 'node-dev' },
);

export const CreateSessionBody = Type.Object(
  {
    id: Type.Optional(Uuid('client-chosen id (any case; stored lower case) makes the create idempotent; otherwise the server makes a UUID v7')),
    profile: Type.Optional(Nullable(ProfileRef)),
    type: SessionType,
    project: Type.Optional(Nullable(Project)),
    startedAt: Type.Optional(TimeInput('default: now')),
  },
  {
    additionalProperties: false,
    description:
      'Idempotent on `id`: sending an id that is already stored with the same profile, type, project (and startedAt when given) answers 200 ' +
      'with the stored session; the same id with different values is a 409 SESSION_ID_CONFLICT. A null profile or project is the same as leaving it out.',
    examples: [{ type: 'test', profile: 'node-dev', project: 'devflow-web' }, { id: '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d', type: 'agent', startedAt: '2026-11-23T03:16:21.123Z' }],
  },
);

export const UpdateSessionBody = Type.Object(
  {
    status: Type.Optional(SessionStatus),
    exitCode: Type.Optional(SafeInteger({ description: 'process exit code, may be negative' })),
    endedAt: Type.Optional(
      TimeInput('when it ended; only together with status completed, failed or cancelled (else 422 SESSION_NOT_ENDING); not before startedAt (else 422 INVALID_TIME_RANGE)'),
    ),
    outputLines: Type.Optional(Count('absolute value, replaces the stored one (not an increment)')),
    errorCount: Type.Optional(Count('absolute value, replaces the stored one (not an increment)')),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'Status completed, failed or cancelled ends the session; `endedAt` defaults to now (or startedAt, if that is later). ' +
      'An ended session is immutable: any PATCH is a 409 SESSION_ENDED. An empty body is a 400.',
    examples: [{ outputLines: 120, errorCount: 2 }, { status: 'completed', exitCode: 0 }, { status: 'failed', exitCode: 1, endedAt: '2026-11-23T03:18:00.000Z' }],
  },
);

export const SessionParams = Type.Object({ id: Uuid() });

export const SessionListQuery = Type.Object(
  {
    profile: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'profile id or name; an unknown profile gives an empty list' })),
    type: Type.Optional(SessionType),
    status: Type.Optional(SessionStatus),
    project: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'exact project' })),
    from: Type.Optional(QueryTime('startedAt at or after')),
    to: Type.Optional(QueryTime('startedAt before')),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const SessionPage = Page(SessionSchema, 'SessionPage');
