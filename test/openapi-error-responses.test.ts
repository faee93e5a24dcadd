/**
 * Every status a route can answer is in its OpenAPI entry, as application/problem+json for
 * errors: the check a third-party validator (Stoplight Prism as a proxy) makes, held here two
 * ways. The rules walk the app's own route table against the document; the probes send each
 * route the requests that provoke the layers' errors and compare what came back with the entry.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { LightMyRequestResponse } from 'fastify';
import type { RouteAccess } from '../src/plugins/auth.js';
import { auth, build, type TestApp } from './helper.js';

type Operation = { requestBody?: unknown; parameters?: Array<{ in: string; name: string }>; security?: unknown[]; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };
type Doc = { paths: Record<string, Record<string, Operation>> };

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes that take a body but store nothing, so a full disk cannot fail them. */
const STORES_NOTHING = new Set(['POST /v1/metrics']);
const PROBLEM = { schema: { $ref: '#/components/schemas/Problem' } };

const templateOf = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const concreteUrl = (url: string, value = () => randomUUID() as string) => url.replace(/:\w+/g, () => value());

/** The documented routes the app registered (Swagger UI's own and the document's routes are hidden). */
function documentedRoutes(app: TestApp): RouteAccess[] {
  const seen = new Set<string>();
  return app.routeAccess.filter((r) => {
    const key = `${r.method} ${r.url}`;
    if (r.method === 'HEAD' || r.url.startsWith('/docs') || r.url.startsWith('/openapi.') || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function documentOf(app: TestApp): Promise<Doc> {
  return (await app.inject('/openapi.json')).json() as Doc;
}

function operationOf(doc: Doc, route: RouteAccess): Operation {
  const op = doc.paths[templateOf(route.url)]?.[route.method.toLowerCase()];
  assert.ok(op, `${route.method} ${route.url} is in the OpenAPI document`);
  return op;
}

/** The statuses a route must list, from what kind of route it is (stated here independently of the app's own rule). */
function requiredStatuses(route: RouteAccess, op: Operation): number[] {
  const required = [429, 503];
  const where = new Set((op.parameters ?? []).map((p) => p.in));
  if (route.access !== 'public') required.push(401, 403, 503, 507);
  if (BODY_METHODS.has(route.method) || op.requestBody) required.push(400, 413, 415);
  if (BODY_METHODS.has(route.method) && !STORES_NOTHING.has(`${route.method} ${route.url}`)) required.push(503, 507);
  if (where.has('query')) required.push(400);
  if (where.has('path')) required.push(400, 404, 414);
  return [...new Set(required)].sort((a, b) => a - b);
}

test('every route lists the statuses of its kind, and every error response is application/problem+json with the Problem schema', async (t) => {
  const app = await build(t);
  const doc = await documentOf(app);
  const routes = documentedRoutes(app);
  assert.ok(routes.length > 30, 'the walk sees the registered routes');
  const wrong: string[] = [];
  for (const route of routes) {
    const op = operationOf(doc, route);
    const listed = Object.keys(op.responses).map(Number);
    for (const status of requiredStatuses(route, op)) if (!listed.includes(status)) wrong.push(`${route.method} ${route.url} does not list ${status}`);
    for (const [status, response] of Object.entries(op.responses)) {
      if (Number(status) >= 400 && !isDeepStrictEqual(response.content, { 'application/problem+json': PROBLEM })) {
        wrong.push(`${route.method} ${route.url} ${status} is not only application/problem+json with the Problem schema`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('the export documents NDJSON and CSV for its rows and problem+json for its errors', async (t) => {
  const app = await build(t);
  const op = (await documentOf(app)).paths['/v1/tool-calls/export']?.get;
  assert.deepEqual(Object.keys(op?.responses['200']?.content ?? {}).sort(), ['application/x-ndjson', 'text/csv']);
  for (const status of ['400', '401', '403', '429', '503']) assert.deepEqual(op?.responses[status]?.content, { 'application/problem+json': PROBLEM }, status);
});

/** Fails unless the answer's status is listed for its route with the media type it came in. */
function assertDocumented(doc: Doc, route: RouteAccess, res: LightMyRequestResponse, what: string): void {
  const op = operationOf(doc, route);
  const where = `${route.method} ${route.url} ${what}: ${res.statusCode} ${res.body.slice(0, 160)}`;
  const documented = op.responses[String(res.statusCode)];
  assert.ok(documented, `${where} is not in its OpenAPI entry`);
  const mediaType = String(res.headers['content-type'] ?? '').split(';')[0] ?? '';
  if (documented.content) assert.ok(mediaType in documented.content, `${where} came as ${mediaType}, documented ${Object.keys(documented.content).join(', ')}`);
}

const WEAKER: Record<string, 'read' | 'ingest'> = { admin: 'read', read: 'ingest', ingest: 'read' };

test('what each route answers to a missing key, a weak role, a wrong media type, a large body, a long id and a plain call is in its entry', async (t) => {
  const app = await build(t, { bodyLimit: 1024 });
  const doc = await documentOf(app);
  for (const route of documentedRoutes(app)) {
    const method = route.method as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    const url = concreteUrl(route.url);
    const send = (headers: Record<string, string>, payload?: string | object, target = url) => app.inject({ method, url: target, headers, ...(payload === undefined ? {} : { payload }) });
    const admin = auth(app.keys.admin);
    const probes: Array<[string, Promise<LightMyRequestResponse>]> = [['a plain call', send(admin, BODY_METHODS.has(method) ? {} : undefined)]];
    if (route.access !== 'public') {
      probes.push(['without a key', send({})], ['with a weaker key', send(auth(app.keys[WEAKER[route.access ?? 'admin'] ?? 'read']))]);
    }
    if (BODY_METHODS.has(method)) {
      probes.push(
        ['with a text/plain body', send({ ...admin, 'content-type': 'text/plain' }, 'x')],
        ['with a body without Content-Type', send(admin, Buffer.from('{}') as unknown as string)],
        ['with a body over the limit', send({ ...admin, 'content-type': 'application/json' }, JSON.stringify({ x: 'y'.repeat(2048) }))],
        ['with malformed JSON', send({ ...admin, 'content-type': 'application/json' }, '{"x": ')],
      );
    }
    if (route.url.includes(':')) probes.push(['with an over-long id', send(admin, undefined, concreteUrl(route.url, () => 'a'.repeat(300)))]);
    for (const [what, pending] of probes) assertDocumented(doc, route, await pending, what);
  }
});

test('a rate-limited answer is in every route\'s entry', async (t) => {
  const app = await build(t, { rateLimitMax: 1 });
  const doc = await documentOf(app);
  // The limit counts per key, and per address without one: use up both.
  await app.inject({ method: 'GET', url: '/healthz' });
  await app.inject({ method: 'GET', url: '/v1/stats', headers: auth(app.keys.admin) });
  for (const route of documentedRoutes(app)) {
    const res = await app.inject({ method: route.method as 'GET', url: concreteUrl(route.url), headers: auth(app.keys.admin) });
    assert.equal(res.statusCode, 429, `${route.method} ${route.url}`);
    assertDocumented(doc, route, res, 'over the rate limit');
  }
});

test('on a full disk, what each authenticated GET answers is in its entry (a read may move staged calls first)', async (t) => {
  const app = await build(t);
  const doc = await documentOf(app);
  const session = await app.inject({ method: 'POST', url: '/v1/sessions', headers: auth(app.keys.ingest), payload: { type: 'agent' } });
  const items = Array.from({ length: 1000 }, (_, i) => ({ sessionId: session.json().id, toolName: `tool-${i % 7}`, durationMs: i, status: 'success' }));
  assert.equal((await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: auth(app.keys.ingest), payload: { items } })).statusCode, 200);
  const sql = app.sqlite.db.$client;
  // The disk is full from here on: the file may not grow by a page.
  sql.pragma(`max_page_count = ${Number(sql.pragma('page_count', { simple: true }))}`);
  const full: string[] = [];
  for (const route of documentedRoutes(app).filter((r) => r.method === 'GET' && r.access !== 'public')) {
    const res = await app.inject({ method: 'GET', url: concreteUrl(route.url), headers: auth(app.keys.admin) });
    if (res.statusCode === 507) full.push(route.url);
    assertDocumented(doc, route, res, 'on a full disk');
  }
  sql.pragma('max_page_count = 1073741823'); // room again, so the app can close
  assert.ok(full.length > 0, 'some read met the full disk');
});
