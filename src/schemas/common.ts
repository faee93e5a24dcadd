import { Type, type TSchema } from '@sinclair/typebox';

/** RFC 9457 problem details: the one error format of the API. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI identifying the problem type', example: 'https://devflow.dev/problems/validation-failed' }),
    title: Type.String({ description: 'short summary of the HTTP status', example: 'Bad Request' }),
    status: Type.Integer({ example: 400 }),
    detail: Type.String({ example: 'body/durationMs must be >= 0' }),
    code: Type.String({ description: 'stable UPPER_SNAKE identifier to branch on', example: 'VALIDATION_FAILED' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({ description: 'JSON pointer into the request', example: '/items/17/durationMs' }),
          message: Type.String({ example: 'must be >= 0' }),
        }),
      ),
    ),
  },
  { $id: 'Problem', title: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' },
);

export const ProblemRef = Type.Unsafe<typeof ProblemSchema.static>(Type.Ref('Problem'));

/** Output time: RFC 3339 UTC with milliseconds. */
export const Timestamp = (description?: string) =>
  Type.String({ format: 'date-time', example: '2026-11-23T03:16:21.123Z', ...(description ? { description } : {}) });
export const NullableTimestamp = (description?: string) => Type.Union([Timestamp(description), Type.Null()]);

/** Input time in a body: an RFC 3339 string with an offset, or integer epoch milliseconds. */
export const TimeInput = (description = 'RFC 3339 with offset, or epoch milliseconds') =>
  Type.Union([Type.String({ format: 'devflow-time' }), Type.Integer({ format: 'devflow-epoch-ms' })], {
    description: `${description}; at most 24 h in the future`,
    example: '2026-11-23T03:16:21.123Z',
  });

/** Input time in a query string: digits are epoch milliseconds, otherwise RFC 3339. */
export const QueryTime = (description: string) =>
  Type.String({ format: 'devflow-query-time', description: `${description} (RFC 3339 or epoch ms)`, example: '2026-11-01T00:00:00Z' });

export const Uuid = (description?: string) =>
  Type.String({ format: 'uuid', example: '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d', ...(description ? { description } : {}) });

export const SafeInteger = (options: { minimum?: number; maximum?: number; description?: string } = {}) =>
  Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, ...options });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'page size, 1..500' })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'opaque cursor from the previous page\'s nextCursor' })),
};

export const Page = <T extends TSchema>(item: T, title: string) =>
  Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as ?cursor= for the next page; null on the last page' }),
    },
    { title },
  );

export const BatchResult = Type.Object(
  {
    accepted: Type.Integer({ description: 'items stored by this request' }),
    duplicates: Type.Integer({ description: 'items whose id was already stored or repeated in the batch' }),
    rejected: Type.Array(
      Type.Object({
        index: Type.Integer(),
        code: Type.String(),
        errors: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
      }),
      { description: 'only with ?partial=true: items not stored, with the reason' },
    ),
  },
  { title: 'BatchResult' },
);
