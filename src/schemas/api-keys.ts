import { Type } from '@sinclair/typebox';
import { NullableTimestamp, PageQuery, Timestamp, TimeInput, Page, Uuid } from './common.js';

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

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, example: 'ci-runner' }),
    role: RoleSchema,
    expiresAt: Type.Optional(TimeInput('when the key stops working')),
  },
  { additionalProperties: false },
);

export const ApiKeyListQuery = Type.Object(PageQuery, { additionalProperties: false });
export const ApiKeyPage = Page(ApiKeySchema, 'ApiKeyPage');
export const ApiKeyParams = Type.Object({ id: Uuid() });
