import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { testConfig } from '../../src/config.js';
import authPlugin, { type RouteAccess } from '../../src/plugins/auth.js';
import configPlugin from '../../src/plugins/config.js';
import storePlugin from '../../src/plugins/store.js';
import servicesPlugin from '../../src/plugins/services.js';
import { ADMIN_KEY, auth, build, problemOf, tempDir, type TestApp } from '../helper.js';

const PUBLIC_ROUTES = ['/healthz', '/readyz', '/docs', '/openapi.json', '/openapi.yaml'];
const ROLES = ['read', 'ingest', 'admin'] as const;

/** A concrete URL for a route pattern: every :param gets a plausible value, a wildcard a path. */
function concreteUrl(pattern: string): string {
  return pattern
    .replace(/:(\w+)(\([^)]*\))?/g, (_m, name: string) => (/name/i.test(name) ? 'walk-name' : randomUUID()))
    .replace(/\*/g, 'x');
}

/** The routes the app itself registered under /v1 (HEAD mirrors GET and carries no body). */
function v1Routes(app: TestApp): RouteAccess[] {
  const seen = new Set<string>();
  return app.routeAccess.filter((r) => {
    const key = `${r.method} ${r.url}`;
    if (!r.url.startsWith('/v1') || r.method === 'HEAD' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

async function call(app: TestApp, route: RouteAccess, headers: Record<string, string>) {
  const method = route.method as Method;
  const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  return app.inject({ method, url: concreteUrl(route.url), headers, ...(withBody ? { payload: {} } : {}) });
}

test('the route table comes from the app and every /v1 route declares its access', async (t) => {
  const app = await build(t);
  const routes = v1Routes(app);
  assert.ok(routes.some((r) => r.method === 'POST' && r.url === '/v1/api-keys'), 'the walk sees the registered routes');
  for (const r of routes) assert.ok(r.access, `${r.method} ${r.url} declares access`);
});

/**
 * The contract's roles ("Authentication"): read = every GET except API keys and retention;
 * ingest = POST/PATCH of sessions, tool calls, productivity events, feature usage, OTLP
 * logs/metrics, nothing else; everything else is admin.
 */
function contractAccess(method: string, url: string): string {
  const resource = url.split('/')[2] ?? '';
  if (method === 'GET') return resource === 'api-keys' || resource === 'retention' ? 'admin' : 'read';
  const telemetry = ['sessions', 'tool-calls', 'productivity-events', 'feature-usage', 'logs', 'metrics'];
  if ((method === 'POST' || method === 'PATCH') && telemetry.includes(resource)) return 'ingest';
  return 'admin';
}

test('every /v1 route declares the access the contract gives it', async (t) => {
  const app = await build(t);
  const wrong = v1Routes(app)
    .filter((r) => r.access !== contractAccess(r.method, r.url))
    .map((r) => `${r.method} ${r.url} declares ${String(r.access)}, the contract says ${contractAccess(r.method, r.url)}`);
  assert.deepEqual(wrong, []);
});

test('every /v1 route refuses a missing, malformed, unknown, revoked or expired key with 401', async (t) => {
  let clock = Date.now();
  const app = await build(t, {}, { now: () => clock });
  const keys = app.services.apiKeys;
  const revoked = await keys.create({ name: 'revoked', role: 'admin' });
  await keys.revoke(revoked.id);
  const expiring = await keys.create({ name: 'expiring', role: 'admin', expiresAt: clock + 1000 });
  clock += 2000;

  const badHeaders: Record<string, Record<string, string>> = {
    'no key': {},
    'empty bearer': { authorization: 'Bearer ' },
    'basic scheme': { authorization: `Basic ${Buffer.from(`x:${ADMIN_KEY}`).toString('base64')}` },
    'unknown key': auth(`dfa_${'x'.repeat(43)}`),
    'revoked key': auth(revoked.key),
    'expired key': auth(expiring.key),
  };
  const routes = v1Routes(app);
  for (const route of routes) {
    for (const [label, headers] of Object.entries(badHeaders)) {
      const res = await call(app, route, headers);
      const where = `${route.method} ${route.url} with ${label}`;
      assert.equal(res.statusCode, 401, where);
      assert.equal(res.headers['www-authenticate'], 'Bearer', where);
      assert.equal(problemOf(res).code, 'UNAUTHORIZED', where);
    }
  }
});

test('every /v1 route lets each role through or answers 403 exactly as it declares', async (t) => {
  const app = await build(t);
  const routes = v1Routes(app);
  for (const route of routes) {
    for (const role of ROLES) {
      const res = await call(app, route, auth(app.keys[role]));
      const where = `${route.method} ${route.url} as ${role} (needs ${String(route.access)}): ${res.statusCode} ${res.body.slice(0, 200)}`;
      const allowed = route.access === 'public' || role === 'admin' || role === route.access;
      if (allowed) {
        assert.notEqual(res.statusCode, 401, where);
        assert.notEqual(res.statusCode, 403, where);
        assert.ok(res.statusCode < 500, where);
      } else {
        assert.equal(res.statusCode, 403, where);
        assert.equal(problemOf(res).code, 'FORBIDDEN', where);
      }
    }
  }
});

test('the public routes answer without a key', async (t) => {
  const app = await build(t);
  for (const url of PUBLIC_ROUTES) {
    const res = await app.inject({ method: 'GET', url });
    assert.ok(res.statusCode === 200 || (url === '/docs' && res.statusCode === 302), `${url}: ${res.statusCode}`);
  }
  const registered = new Set(app.routeAccess.map((r) => r.url));
  for (const url of PUBLIC_ROUTES) assert.ok(registered.has(url), `${url} is registered`);
});

test('the key is checked before the body: a keyless request with a broken body is 401', async (t) => {
  const app = await build(t);
  for (const payload of ['{"name": ', '{"unknown": true}', 'x'.repeat(10)]) {
    const res = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: { 'content-type': 'application/json' }, payload });
    assert.equal(res.statusCode, 401, payload);
    assert.equal(problemOf(res).code, 'UNAUTHORIZED');
  }
  const wrongType = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: { 'content-type': 'text/plain' }, payload: 'x' });
  assert.equal(wrongType.statusCode, 401);
  const small = await build(t, { bodyLimit: 2048 });
  const tooLarge = await small.inject({ method: 'POST', url: '/v1/api-keys', payload: { name: 'x'.repeat(5000), role: 'read' } });
  assert.equal(tooLarge.statusCode, 401, 'not 413: the key comes first');
});

test('the Bearer scheme name is case-insensitive', async (t) => {
  const app = await build(t);
  for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
    const res = await app.inject({ method: 'GET', url: '/v1/api-keys', headers: { authorization: `${scheme} ${app.keys.admin}` } });
    assert.equal(res.statusCode, 200, scheme);
  }
});

test('an unknown /v1 route needs a key before it says 404', async (t) => {
  const app = await build(t);
  assert.equal((await app.inject({ method: 'GET', url: '/v1/no-such-thing' })).statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: '/v1/no-such-thing', headers: auth(app.keys.read) })).statusCode, 404);
});

/** The auth plugin alone on a real database, as buildApp registers it. */
async function tinyApp(t: Parameters<typeof build>[0]) {
  const app = Fastify();
  t.after(() => app.close());
  const config = testConfig({ dbPath: join(tempDir(t), 'analytics.db'), adminKey: ADMIN_KEY });
  await app.register(configPlugin, { config });
  await app.register(storePlugin);
  await app.register(servicesPlugin, {});
  await app.register(authPlugin);
  return app;
}

test('a /v1 route that declares no access makes the app fail to start', async (t) => {
  const app = await tinyApp(t);
  await assert.rejects(
    (async () => {
      await app.register(async function undeclared(child) {
        child.get('/v1/forgotten', async () => ({ secret: true }));
      });
      await app.ready();
    })(),
    /GET \/v1\/forgotten declares no access role/,
  );
});

test('a route that declares its access starts and is guarded', async (t) => {
  const app = await tinyApp(t);
  await app.register(async function declared(child) {
    child.get('/v1/declared', { config: { access: 'read' } }, async () => ({ ok: true }));
    child.get('/elsewhere', async () => ({ ok: true }));
  });
  await app.ready();
  assert.deepEqual(
    app.routeAccess.filter((r) => r.method === 'GET').map((r) => [r.url, r.access]),
    [['/v1/declared', 'read'], ['/elsewhere', undefined]],
  );
  assert.equal((await app.inject({ url: '/v1/declared' })).statusCode, 401);
  assert.equal((await app.inject({ url: '/v1/declared', headers: auth(ADMIN_KEY) })).statusCode, 200);
  assert.equal((await app.inject({ url: '/elsewhere' })).statusCode, 200);
});
