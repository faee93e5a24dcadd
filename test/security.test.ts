import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { buildApp } from '../src/app.js';
import { testConfig, type Config } from '../src/config.js';
import { ADMIN_KEY, auth, build, problemOf, tempDir } from './helper.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Collects everything pino writes. */
class LogCapture extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }
  get text(): string {
    return this.chunks.join('');
  }
}

/** The app as the server builds it (no DEVFLOW_ADMIN_KEY unless given), logging everything. */
async function startLogged(t: Parameters<typeof tempDir>[0], dbPath: string, overrides: Partial<Config> = {}) {
  const logs = new LogCapture();
  const app = await buildApp(testConfig({ dbPath, logLevel: 'trace', ...overrides }), { logStream: logs });
  t.after(() => app.close());
  await app.ready();
  return { app, logs };
}

/** Key material: the key, its hash, and the secret part after the display prefix. */
function materialOf(key: string): string[] {
  return [key, sha256(key), key.slice(10), key.slice(-16)];
}

test('bootstrap writes the first admin key to <data dir>/admin.key (0600, folder 0700) and logs only its path', async (t) => {
  const dataDir = join(tempDir(t), 'data');
  const { app, logs } = await startLogged(t, join(dataDir, 'analytics.db'));
  const file = join(dataDir, 'admin.key');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(dataDir).mode & 0o777, 0o700, 'the folder we created is private');
  const adminKey = readFileSync(file, 'utf8').trim();
  assert.match(adminKey, /^dfa_[A-Za-z0-9_-]{40,}$/);
  assert.ok(logs.text.includes(file), 'the log says where the key is');

  // A full request cycle with the key, a new key, a bad key, a revocation.
  const headers = { authorization: `Bearer ${adminKey}`, 'x-request-id': 'sec-1' };
  assert.equal((await app.inject({ url: '/v1/api-keys', headers })).statusCode, 200);
  const created = (await app.inject({ method: 'POST', url: '/v1/api-keys', headers, payload: { name: 'logged', role: 'ingest' } })).json();
  assert.match(created.key, /^dfa_/);
  const badKey = `dfa_${'Q'.repeat(43)}`;
  assert.equal((await app.inject({ url: '/v1/api-keys', headers: auth(badKey) })).statusCode, 401);
  assert.equal((await app.inject({ url: '/v1/api-keys', headers: auth(created.key) })).statusCode, 403);
  assert.equal((await app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...headers, 'content-type': 'application/json' }, payload: `{"name":"${created.key}` })).statusCode, 400);
  assert.equal((await app.inject({ method: 'DELETE', url: `/v1/api-keys/${created.id}`, headers })).statusCode, 204);
  await app.close();

  const text = logs.text;
  const lines = text.trim().split('\n');
  assert.ok(lines.length >= 12, `a full cycle was logged (${lines.length} lines)`);
  for (const line of lines) JSON.parse(line);
  assert.ok(text.includes('"reqId":"sec-1"') && text.includes('request completed'), 'request logs were captured');
  for (const secret of [...materialOf(adminKey), ...materialOf(created.key), ...materialOf(badKey)]) {
    assert.ok(!text.includes(secret), `no key material in the logs (${secret.slice(0, 6)}…)`);
  }
});

test('bootstrap happens once: a restart with keys keeps the file; DEVFLOW_ADMIN_KEY writes none', async (t) => {
  const dataDir = join(tempDir(t), 'data');
  const dbPath = join(dataDir, 'analytics.db');
  const first = await startLogged(t, dbPath);
  const key = readFileSync(join(dataDir, 'admin.key'), 'utf8');
  await first.app.close();
  const second = await startLogged(t, dbPath);
  assert.equal(readFileSync(join(dataDir, 'admin.key'), 'utf8'), key);
  assert.ok(!second.logs.text.includes('admin.key'));
  assert.equal((await second.app.inject({ url: '/v1/api-keys', headers: auth(key.trim()) })).statusCode, 200);

  const envDir = join(tempDir(t), 'env');
  const withEnv = await startLogged(t, join(envDir, 'analytics.db'), { adminKey: ADMIN_KEY });
  assert.ok(!existsSync(join(envDir, 'admin.key')));
  assert.equal((await withEnv.app.inject({ url: '/v1/api-keys', headers: auth(ADMIN_KEY) })).statusCode, 200);
  assert.equal(await withEnv.app.services.apiKeys.count(), 0, 'the env key is never stored');
  await withEnv.app.close();
  for (const secret of materialOf(ADMIN_KEY)) assert.ok(!withEnv.logs.text.includes(secret));
});

test('the rate limit answers 429 problem+json with Retry-After, per API key', async (t) => {
  const app = await build(t, { rateLimitMax: 3, rateLimitWindowMs: 60_000 });
  const other = (await app.services.apiKeys.create({ name: 'other-admin', role: 'admin' })).key;
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ url: '/v1/api-keys', headers: auth(app.keys.admin) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-ratelimit-limit'], '3');
  }
  const limited = await app.inject({ url: '/v1/api-keys', headers: auth(app.keys.admin) });
  assert.equal(limited.statusCode, 429);
  const retryAfter = Number(limited.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${String(limited.headers['retry-after'])}`);
  assert.equal(problemOf(limited).code, 'RATE_LIMITED');

  assert.equal((await app.inject({ url: '/v1/api-keys', headers: auth(other) })).statusCode, 200, 'another key has its own budget');
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'keyless callers are counted by address, apart');
});

test('a body sent at 1 byte/s is cut about the request timeout while other requests are served', async (t) => {
  const timeoutMs = 1500;
  const app = await build(t, { requestTimeoutMs: timeoutMs });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  const socket = connect(port, '127.0.0.1');
  const started = Date.now();
  let answer = '';
  socket.on('data', (d: Buffer) => (answer += d.toString()));
  socket.write(
    'POST /v1/api-keys HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      `Authorization: Bearer ${app.keys.admin}\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n`,
  );
  const body = '{"name":"slowloris","role":"read"}'.padEnd(64, ' ');
  let sent = 0;
  const drip = setInterval(() => socket.write(body[sent++] ?? ' '), 1000);
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
  socket.on('error', () => undefined);

  let served = 0;
  let slowest = 0;
  let open = true;
  void closed.then(() => (open = false));
  while (open && Date.now() - started < 6000) {
    const t0 = Date.now();
    const res = await fetch(`${base}/healthz`);
    await res.arrayBuffer();
    if (res.status === 200) served++;
    slowest = Math.max(slowest, Date.now() - t0);
    await new Promise((r) => setTimeout(r, 200));
  }
  const cutAfter = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 1000))]);
  clearInterval(drip);
  socket.destroy();

  t.diagnostic(`slow body cut after ${cutAfter} ms (timeout ${timeoutMs} ms, ${sent} bytes sent); /healthz served ${served} times meanwhile, slowest ${slowest} ms`);
  assert.ok(cutAfter >= timeoutMs - 100, `not cut before the timeout (${cutAfter} ms)`);
  assert.ok(cutAfter <= timeoutMs + 2500, `cut within a few seconds of the ${timeoutMs} ms timeout (${cutAfter} ms)`);
  assert.ok(sent < 64, 'the body never completed');
  assert.match(answer, /^HTTP\/1\.1 408/, 'Node answers 408 Request Timeout');
  assert.ok(served >= 3, `health answered meanwhile (${served} times, slowest ${slowest} ms)`);
  assert.equal(await app.services.apiKeys.count(), 2, 'nothing was created');
});

test('helmet headers on every answer, 401s included; no x-powered-by', async (t) => {
  const app = await build(t);
  for (const res of [
    await app.inject({ url: '/v1/api-keys', headers: auth(app.keys.admin) }),
    await app.inject({ url: '/v1/api-keys' }),
    await app.inject({ url: '/healthz' }),
  ]) {
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/, 'the service speaks plain HTTP by default');
    assert.equal(res.headers['x-powered-by'], undefined);
  }
});

/** The security header set, byte for byte, as @fastify/helmet 13 (helmet 8) set it with the service's options. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data: validator.swagger.io;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

test('the same full security header set on successes, 400, 401, 403, 404 and 429', async (t) => {
  const app = await build(t, { rateLimitMax: 2, rateLimitWindowMs: 60_000 });
  const json = { ...auth(app.keys.ingest), 'content-type': 'application/json' };
  const answers = [
    await app.inject({ url: '/healthz' }),
    await app.inject({ url: '/v1/api-keys' }),
    await app.inject({ url: '/v1/api-keys', headers: auth(app.keys.read) }),
    await app.inject({ url: '/v1/no-such-route', headers: auth(app.keys.read) }),
    await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: json, payload: '{' }),
    await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: json, payload: '{}' }),
    await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: json, payload: '{}' }),
  ];
  assert.deepEqual(answers.map((r) => r.statusCode), [200, 401, 403, 404, 400, 400, 429]);
  for (const res of answers) {
    const present = Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, res.headers[name]]));
    assert.deepEqual(present, SECURITY_HEADERS, `${res.statusCode} ${res.body.slice(0, 80)}`);
  }
});

test('Swagger UI at /docs loads under its CSP, and Authorize has a bearer scheme to use', async (t) => {
  const app = await build(t);
  for (const url of ['/docs', '/docs/']) {
    const page = await app.inject({ url });
    assert.equal(page.statusCode, 200, url);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'/);
    // Every script is a same-origin file (no inline code the CSP would block), and each loads.
    assert.doesNotMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>\s*\S/, 'no inline scripts');
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1]!, `http://localhost${url}`));
    assert.ok(assets.length >= 4, `${url} references its assets`);
    assert.ok(assets.some((a) => a.pathname.endsWith('/swagger-ui-bundle.js')) && assets.some((a) => a.pathname.endsWith('/swagger-initializer.js')));
    for (const asset of assets) {
      assert.equal(asset.origin, 'http://localhost', `${asset.href} is same-origin`);
      const res = await app.inject({ url: asset.pathname });
      assert.equal(res.statusCode, 200, asset.pathname);
    }
  }
  const init = await app.inject({ url: '/docs/static/swagger-initializer.js' });
  assert.match(init.body, /persistAuthorization/);

  for (const url of ['/openapi.json', '/docs/json']) {
    const doc = (await app.inject({ url })).json();
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', description: doc.components.securitySchemes.bearerAuth.description });
    assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
    assert.deepEqual(doc.paths['/healthz'].get.security, [], 'public routes say so');
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>)) {
      if (!path.startsWith('/v1')) continue;
      for (const [method, op] of Object.entries(ops)) {
        assert.notDeepEqual(op.security, [], `${method} ${path} keeps the bearer requirement`);
      }
    }
  }
  const yaml = await app.inject({ url: '/openapi.yaml' });
  assert.match(yaml.body, /bearerAuth:\s+type: http\s+scheme: bearer/);
});

test('CORS is off by default', async (t) => {
  const app = await build(t);
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/v1/api-keys',
    headers: { origin: 'https://dash.example', 'access-control-request-method': 'GET' },
  });
  assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  const get = await app.inject({ url: '/v1/api-keys', headers: { ...auth(app.keys.admin), origin: 'https://dash.example' } });
  assert.equal(get.statusCode, 200);
  assert.equal(get.headers['access-control-allow-origin'], undefined);
});

test('CORS allows the configured origins only, preflight without a key, errors readable', async (t) => {
  const app = await build(t, { corsOrigins: ['https://dash.example'] });
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/v1/api-keys/0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d',
    headers: { origin: 'https://dash.example', 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' },
  });
  assert.equal(preflight.statusCode, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], 'https://dash.example');
  assert.match(String(preflight.headers['access-control-allow-methods']), /DELETE/);
  assert.match(String(preflight.headers['access-control-allow-methods']), /PATCH/);

  const unauthorized = await app.inject({ url: '/v1/api-keys', headers: { origin: 'https://dash.example' } });
  assert.equal(unauthorized.statusCode, 401);
  assert.equal(unauthorized.headers['access-control-allow-origin'], 'https://dash.example', 'a browser can read the 401');
  assert.match(String(unauthorized.headers['access-control-expose-headers']), /retry-after/);

  const other = await app.inject({ url: '/v1/api-keys', headers: { ...auth(app.keys.admin), origin: 'https://evil.example' } });
  assert.equal(other.headers['access-control-allow-origin'], undefined);
});

test('one keep-alive connection that changes keys gets each key\'s own role, and a key revoked meanwhile is refused', async (t) => {
  const app = await build(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const sockets = new Set<unknown>();
  const get = (key: string, path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
        sockets.add(res.socket);
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  assert.equal(await get(app.keys.read, '/v1/sessions'), 200);
  assert.equal(await get(app.keys.read, '/v1/api-keys'), 403, 'read role');
  assert.equal(await get(app.keys.admin, '/v1/api-keys'), 200, 'the next key on the same connection is its own');
  assert.equal(await get(app.keys.read, '/v1/api-keys'), 403, 'and back');
  assert.equal(await get('dfa_not_a_key', '/v1/sessions'), 401);
  const created = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(app.keys.admin), payload: { name: 'short-lived', role: 'read' } });
  const { id, key } = created.json() as { id: string; key: string };
  assert.equal(await get(key, '/v1/sessions'), 200);
  assert.equal((await app.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: auth(app.keys.admin) })).statusCode, 204);
  assert.equal(await get(key, '/v1/sessions'), 401, 'revoked: refused on the same connection');
  assert.equal(sockets.size, 1, 'every request went over one connection');
});
