import { Type } from '@sinclair/typebox';
import { EPOCH_MS_MIN } from '../lib/time.js';
import { NullableTimestamp, PageQuery, Timestamp, Page, Uuid } from './common.js';

export const RoleSchema = Type.Union([Type.Literal('read'), Type.Literal('ingest'), Type.Literal('admin')], {
  description: 'read: every GET except keys and retention; ingest: telemetry writes only; admin: everything',
  example: 'ingest',
});

export const ApiKeySchema = Type.Object(
  {
    id: Uuid(),
    name: Type.String({ example: 'ci-runner' }),
    role: RoleSchema,
    prefix: Type.String({ description: 'first characters of the key, to recognise it', example: 'dfa_Xk3v9q' }),
    createdAt: Timestamp(),
    lastUsedAt: NullableTimestamp('updated at most once a minute'),
    expiresAt: NullableTimestamp(),
    revokedAt: NullableTimestamp(),
  },
  { $id: 'ApiKey', title: 'ApiKey' },
);

export const CreatedApiKeySchema = Type.Composite(
  [ApiKeySchema, Type.Object({ key: Type.String({ description: 'the key in clear: shown once, store it now', example: 'dfa_Xk3v9q…' }) })],
  { title: 'CreatedApiKey' },
);

/**
 * Unlike event times, an expiry lies in the future by nature, so the general "at most 24 h
 * ahead" rule does not apply; it must be after now (checked by the service) instead.
 */
export const ExpiresAtInput = Type.Union(
  [
    Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$', maxLength: 40 }),
    Type.Integer({ minimum: EPOCH_MS_MIN, maximum: Number.MAX_SAFE_INTEGER }),
  ],
  {
    description: 'when the key stops working: RFC 3339 with offset, or epoch milliseconds; must be in the future (any distance ahead)',
    example: '2027-01-31T00:00:00Z',
  },
);

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, example: 'ci-runner' }),
    role: RoleSchema,
    expiresAt: Type.Optional(ExpiresAtInput),
  },
  { additionalProperties: false },
);

export const ApiKeyListQuery = Type.Object(PageQuery, { additionalProperties: false });
export const ApiKeyPage = Page(ApiKeySchema, 'ApiKeyPage');
export const ApiKeyParams = Type.Object({ id: Uuid() });
