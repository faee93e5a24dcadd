import type { FastifySchema } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '../lib/app-error.js';
import { ProblemRef } from './common.js';

/**
 * The error responses of the OpenAPI document. Most statuses follow from what kind of route it
 * is (a key, a body, path parameters, a write), not from what it does, so they are added to every
 * route in one place (`withErrorResponses`, run for each route as it is registered) and a route
 * declares only its own 404 / 409 / 422. Every one is application/problem+json with the Problem
 * schema, whatever the route's success media types are.
 */

/** Methods whose body Fastify reads (and so can refuse as too large, malformed or of the wrong type). */
export const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST',
  401: 'UNAUTHORIZED: the API key is missing, unknown, revoked or expired',
  403: "FORBIDDEN: the key's role does not allow this route",
  404: 'NOT_FOUND: no such resource',
  409: 'Conflict with the current state; `code` says which',
  413: 'PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression)',
  414: 'URI_TOO_LONG: a path segment is over 200 characters',
  415: 'UNSUPPORTED_MEDIA_TYPE: send the body as application/json',
  422: 'Well-formed but impossible (a reference to something unknown, a time range that ends before it starts); `code` says which',
  429: 'RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds',
  503: 'DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds',
  507: 'STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later',
};

const RETRY_AFTER = { 'retry-after': { type: 'integer', minimum: 1, description: 'seconds to wait before retrying' } };
const HEADERS: Record<number, object> = {
  401: { 'www-authenticate': { type: 'string', const: 'Bearer', description: 'the authentication scheme to use' } },
  429: RETRY_AFTER,
  503: RETRY_AFTER,
};

/** One problem+json response; `description` replaces the status's generic one. */
export function problemResponse(status: number, description = DESCRIPTIONS[status] ?? 'Problem details') {
  return {
    description,
    ...(HEADERS[status] ? { headers: HEADERS[status] } : {}),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemRef } },
  };
}

/** The given statuses as problem+json responses (a route's own 404 / 409 / 422). */
export function problemResponses(...statuses: number[]): Record<number, ReturnType<typeof problemResponse>> {
  return Object.fromEntries(statuses.map((s) => [s, problemResponse(s)]));
}

/** What the error statuses of a route follow from. */
export type RouteKind = {
  method: string;
  /** `config.access`: a role, 'public', or undefined (public outside /v1). */
  access?: string;
  /** `config.writes`: false for a body-taking route that stores nothing (so no 507). */
  writes?: boolean;
  schema?: Pick<FastifySchema, 'body' | 'querystring' | 'params'>;
};

/**
 * The statuses every route of a kind can answer, from the layers before its handler: shutting
 * down (503, on every route), the key check (401, 403, and 503 when the key lookup meets a busy
 * database), the rate limit (429, on every route), the body parser (400 malformed, 413, 415), the validator (400), the router
 * (414 for an over-long path parameter) and the store (503 busy, 507 disk full on writes).
 */
export function commonErrorStatuses(route: RouteKind): number[] {
  // Every route: 429 from the rate limit, 503 NOT_READY while the server shuts down.
  const statuses = new Set<number>([429, 503]);
  const add = (...s: number[]) => s.forEach((x) => statuses.add(x));
  const takesBody = BODY_METHODS.has(route.method);
  // Behind a key the route reaches the store, and even a read may write first (staged calls
  // moved into place), so a full disk can answer it 507 too.
  if (route.access !== undefined && route.access !== 'public') add(401, 403, 503, 507);
  if (takesBody) add(400, 413, 415);
  if (route.schema?.params) add(400, 414);
  if (route.schema?.querystring || route.schema?.body) add(400);
  if (takesBody && route.writes !== false) add(503, 507);
  return [...statuses].sort((a, b) => a - b);
}

/** The route's schema with the common error responses added (its own declarations win). */
export function withErrorResponses(route: RouteKind & { schema?: FastifySchema & { consumes?: readonly string[] } }): FastifySchema {
  const schema = route.schema ?? {};
  const common = problemResponses(...commonErrorStatuses(route));
  // The 415 says what the body may be, as the problem's detail does (plugins/errors.ts).
  if (common[415]) {
    const accepted = schema.consumes?.length ? schema.consumes.join(' or ') : 'application/json';
    common[415] = problemResponse(415, `UNSUPPORTED_MEDIA_TYPE: ${schema.body ? `send the body as ${accepted}` : 'this route takes no body'}`);
  }
  return { ...schema, response: { ...common, ...(schema.response as object | undefined) } };
}
