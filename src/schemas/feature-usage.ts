import { Type, type Static } from '@sinclair/typebox';
import { BatchResult, Nullable, Page, PageQuery, QueryTime, Timestamp, TimeInput, Uuid } from './common.js';

const FeatureName = Type.String({ minLength: 1, maxLength: 100, description: 'the feature used', example: 'auto-refactor' });
const FeatureCategory = Type.String({ minLength: 1, maxLength: 100, description: 'its group', example: 'editing' });
const ErrorMessage = Type.String({ maxLength: 2000, description: 'what went wrong, up to 2000 characters', example: 'timed out waiting for the language server' });

export const FeatureUsageSchema = Type.Object(
  {
    id: Uuid(),
    sessionId: Uuid(),
    featureName: FeatureName,
    featureCategory: FeatureCategory,
    startedAt: Timestamp(),
    completedAt: Nullable(Timestamp('null while running or when unknown')),
    success: Nullable(Type.Boolean({ example: true })),
    errorMessage: Nullable(ErrorMessage),
  },
  { $id: 'FeatureUsage', title: 'FeatureUsage' },
);

export const FeatureUsageInput = Type.Object(
  {
    id: Type.Optional(Uuid('client-chosen id makes retries safe (a stored id counts as a duplicate); otherwise the server makes a UUID v7')),
    sessionId: Uuid('an existing session (else 422 UNKNOWN_SESSION)'),
    featureName: FeatureName,
    featureCategory: FeatureCategory,
    startedAt: Type.Optional(TimeInput('default now')),
    completedAt: Type.Optional(Nullable(TimeInput('not before startedAt (else 422 INVALID_TIME_RANGE)'))),
    success: Type.Optional(Nullable(Type.Boolean())),
    errorMessage: Type.Optional(Nullable(ErrorMessage)),
  },
  { additionalProperties: false, title: 'FeatureUsageInput' },
);
export type FeatureUsageInput = Static<typeof FeatureUsageInput>;

export const FeatureUsageListQuery = Type.Object(
  {
    session: Type.Optional(Uuid('only this session')),
    feature: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'exact featureName' })),
    from: Type.Optional(QueryTime('startedAt at or after')),
    to: Type.Optional(QueryTime('startedAt before')),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const FeatureUsagePage = Page(FeatureUsageSchema, 'FeatureUsagePage');

export const BatchQuery = Type.Object(
  {
    partial: Type.Optional(
      Type.Boolean({ default: false, description: 'store the valid items and report each bad one in `rejected` (200) instead of failing the whole batch' }),
    ),
  },
  { additionalProperties: false },
);

export { BatchResult };
