import createClient from 'openapi-fetch';
import type { Client, ClientOptions, Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };

type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type ApiKey = Schemas['ApiKey'];
export type Profile = Schemas['Profile'];
export type ProfileAuditEntry = Schemas['ProfileAuditEntry'];
export type Session = Schemas['Session'];
export type ToolCall = Schemas['ToolCall'];
export type ProductivityEvent = Schemas['ProductivityEvent'];
export type FeatureUsage = Schemas['FeatureUsage'];
export type RetentionRun = Schemas['RetentionRun'];

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON request body of an operation, by operationId: `OperationBody<'createSession'>`. */
export type OperationBody<Id extends keyof operations> = operations[Id] extends { requestBody?: infer Body } ? JsonOf<NonNullable<Body>> : never;

/** The JSON body of an operation's success (200, else 201), by operationId: `OperationResult<'getToolsReport'>`. */
export type OperationResult<Id extends keyof operations> = operations[Id]['responses'] extends { 200: infer Ok }
  ? JsonOf<Ok>
  : operations[Id]['responses'] extends { 201: infer Created }
    ? JsonOf<Created>
    : never;

export type BatchResult = OperationResult<'ingestToolCalls'>;
export type ToolsReport = OperationResult<'getToolsReport'>;

/**
 * The media types the client is typed for. Reports also answer CSV and the export NDJSON or CSV:
 * ask for those with `parseAs: 'text'` or `parseAs: 'stream'`, which type `data` as a string or
 * a byte stream; left at all media types, every report's `data` would be typed `string | …`.
 */
type JsonMedia = 'application/json' | 'application/problem+json';

export type DevflowClient = Client<paths, JsonMedia>;

export type DevflowClientOptions = {
  /** The server's root, e.g. `http://127.0.0.1:3000` (paths start with /v1). */
  baseUrl: string;
  /** An API key (`dfa_…`) with the role the calls need: read, ingest or admin. */
  apiKey: string;
  /** A fetch to use instead of globalThis.fetch (tests, proxies, retries). */
  fetch?: ClientOptions['fetch'];
};

/**
 * Sets the key on every request. It lives in this closure only, not in the client's options or
 * default headers, so nothing that prints the client or its configuration can show it.
 */
function bearer(apiKey: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${apiKey}`);
      return request;
    },
  };
}

/**
 * An openapi-fetch client typed by the generated `paths`: `client.GET('/v1/sessions/{id}', …)`
 * answers `{ data }` on success or `{ error }` (a Problem) otherwise, with the `response`.
 */
export function createDevflowClient(options: DevflowClientOptions): DevflowClient {
  const client = createClient<paths, JsonMedia>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  client.use(bearer(options.apiKey));
  return client;
}
