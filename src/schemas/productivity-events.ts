import { Type, type Static } from '@sinclair/typebox';
import { BatchResult, Nullable, Page, PageQuery, QueryTime, Timestamp, TimeInput, Uuid } from './common.js';

/** contextData is stored as JSON text; more than this (serialized, UTF-8) is a 400. */
export const CONTEXT_DATA_MAX_BYTES = 16 * 1024;

const EventType = Type.String({ minLength: 1, maxLength: 100, description: 'what was done, free text', example: 'code_generation' });
/** At most 2^53 − 1: past it JSON cannot carry the value exactly (contract "Precise rules"), so it is a 400, never stored rounded. */
const Seconds = (description: string, example: number) =>
  Type.Number({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: `seconds, 0..2^53 − 1: ${description}`, example });
const ContextData = Type.Object({}, {
  additionalProperties: true,
  description: `any JSON object, at most ${CONTEXT_DATA_MAX_BYTES} bytes serialized`,
  example: { language: 'typescript', files: 3 },
});
const Satisfaction = Type.Integer({ minimum: 1, maximum: 5, description: 'user rating 1 (poor) .. 5 (great)', example: 4 });

export const ProductivityEventSchema = Type.Object(
  {
    id: Uuid(),
    sessionId: Uuid(),
    eventType: EventType,
    traditionalTimeEstimate: Seconds('how long it would have taken without the tool', 1800),
    actualTimeTaken: Seconds('how long it took', 600),
    timeSaved: Type.Number({ description: 'seconds, traditionalTimeEstimate − actualTimeTaken (negative when slower); computed', example: 1200 }),
    improvementPercentage: Nullable(
      Type.Number({ description: 'timeSaved / traditionalTimeEstimate × 100; null when the estimate is 0; computed', example: 66.67 }),
    ),
    contextData: Nullable(ContextData),
    userSatisfaction: Nullable(Satisfaction),
    createdAt: Timestamp(),
  },
  { $id: 'ProductivityEvent', title: 'ProductivityEvent' },
);

export const ProductivityEventInput = Type.Object(
  {
    id: Type.Optional(Uuid('client-chosen id makes retries safe (a stored id counts as a duplicate); otherwise the server makes a UUID v7')),
    sessionId: Uuid('an existing session (else 422 UNKNOWN_SESSION)'),
    eventType: EventType,
    traditionalTimeEstimate: Seconds('how long it would have taken without the tool', 1800),
    actualTimeTaken: Seconds('how long it took', 600),
    contextData: Type.Optional(Nullable(ContextData)),
    userSatisfaction: Type.Optional(Nullable(Satisfaction)),
    createdAt: Type.Optional(TimeInput('when it happened; default now')),
  },
  {
    additionalProperties: false,
    title: 'ProductivityEventInput',
    description: 'timeSaved and improvementPercentage are computed by the service; sending them is a 400 (unknown property).',
  },
);
export type ProductivityEventInput = Static<typeof ProductivityEventInput>;

export const ProductivityEventListQuery = Type.Object(
  {
    session: Type.Optional(Uuid('only this session')),
    eventType: Type.Optional(EventType),
    from: Type.Optional(QueryTime('createdAt at or after')),
    to: Type.Optional(QueryTime('createdAt before')),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ProductivityEventPage = Page(ProductivityEventSchema, 'ProductivityEventPage');

export const BatchQuery = Type.Object(
  {
    partial: Type.Optional(
      Type.Boolean({ default: false, description: 'store the valid items and report each bad one in `rejected` (200) instead of failing the whole batch' }),
    ),
  },
  { additionalProperties: false },
);

export { BatchResult };
