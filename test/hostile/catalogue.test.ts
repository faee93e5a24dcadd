/**
 * Hostile input, part 1: the envelope of a request — JSON syntax, nesting, media types, sizes,
 * prototype keys, unstorable strings, the key check, methods and path ids. Every case must be
 * the right 4xx as a full problem+json body with the expected code, and write nothing (every
 * row of every table compared before and after).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { build } from '../helper.js';
import { writeRoutes } from './bodies.js';
import { expectRejected, nestedArrays, seed, withRaw, type BadRequest } from './harness.js';

const SESSION = '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d';

function cases(f: Awaited<ReturnType<typeof seed>>, bodyLimit: number): BadRequest[] {
  const routes = writeRoutes(f);
  const call = { sessionId: f.sessionId, toolName: 'Read', durationMs: 5, status: 'success' };
  const event = { sessionId: f.sessionId, eventType: 'x', traditionalTimeEstimate: 10, actualTimeTaken: 5 };
  const list: BadRequest[] = [];

  // Malformed JSON, on every route that takes a body.
  for (const r of routes) {
    list.push({ name: `malformed JSON ${r.name}`, method: r.method, url: r.url, key: r.key, payload: '{"a": ', status: 400, code: 'MALFORMED_JSON' });
  }
  const toolCalls = { method: 'POST' as const, url: '/v1/tool-calls', key: 'ingest' as const };
  for (const [what, text] of [
    ['empty body', ''],
    ['whitespace body', '  \n '],
    ['trailing garbage', `${JSON.stringify(call)} x`],
    ['two documents', `${JSON.stringify(call)}${JSON.stringify(call)}`],
    ['single quotes', "{'toolName': 'Read'}"],
    ['NaN literal', withRaw(call, 'durationMs', 'NaN')],
    ['comment', `/* c */ ${JSON.stringify(call)}`],
    ['trailing comma', '{"toolName": "Read",}'],
  ] as const) {
    list.push({ name: `${what} on tool-calls`, ...toolCalls, payload: text, status: 400, code: 'MALFORMED_JSON' });
  }
  for (const [what, text] of [
    ['top-level array', `[${JSON.stringify(call)}]`],
    ['top-level null', 'null'],
    ['top-level string', '"Read"'],
    ['top-level number', '42'],
  ] as const) {
    list.push({ name: `${what} on tool-calls`, ...toolCalls, payload: text, status: 400, code: 'VALIDATION_FAILED' });
  }
  list.push({ name: 'top-level array on sessions', method: 'POST', url: '/v1/sessions', key: 'ingest', payload: '[{"type":"test"}]', status: 400, code: 'VALIDATION_FAILED' });

  // Deep nesting: refused before any validator or the database walks it.
  list.push(
    { name: '10k nested arrays as toolName', ...toolCalls, payload: withRaw(call, 'toolName', nestedArrays(10_000)), status: 400, code: 'VALIDATION_FAILED' },
    {
      name: '10k nested arrays in contextData',
      method: 'POST',
      url: '/v1/productivity-events',
      key: 'ingest',
      payload: withRaw(event, 'contextData', `{"deep":${nestedArrays(10_000)}}`),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: '10k nested objects in contextData',
      method: 'POST',
      url: '/v1/productivity-events',
      key: 'ingest',
      payload: withRaw(event, 'contextData', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    { name: '500k nested arrays (1 MB) in OTLP logs', method: 'POST', url: '/v1/logs', key: 'ingest', payload: `{"resourceLogs":${nestedArrays(500_000)}}`, status: 400, code: 'VALIDATION_FAILED' },
    { name: '64 levels then a __proto__ deep inside', ...toolCalls, payload: withRaw(call, 'toolName', `${'['.repeat(100)}{"__proto__":{}}${']'.repeat(100)}`), status: 400, code: 'VALIDATION_FAILED' },
  );

  // Media types: JSON is the only body format (OTLP also takes protobuf).
  for (const [what, type, body] of [
    ['text/plain', 'text/plain', JSON.stringify(call)],
    ['form-urlencoded', 'application/x-www-form-urlencoded', 'toolName=Read&durationMs=5'],
    ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="toolName"\r\n\r\nRead\r\n--x--\r\n'],
    ['application/xml', 'application/xml', '<toolCall/>'],
    ['application/jsonx', 'application/jsonx', JSON.stringify(call)],
  ] as const) {
    list.push({ name: `${what} on tool-calls`, ...toolCalls, payload: body, headers: { 'content-type': type }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  }
  list.push(
    { name: 'no content-type with a body (sessions)', method: 'POST', url: '/v1/sessions', key: 'ingest', payload: '{"type":"test"}', headers: { 'content-type': '' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'text/plain on PUT retention/policy', method: 'PUT', url: '/v1/retention/policy', key: 'admin', payload: '{}', headers: { 'content-type': 'text/plain' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'text/plain on PATCH sessions', method: 'PATCH', url: `/v1/sessions/${f.sessionId}`, key: 'ingest', payload: '{"outputLines":1}', headers: { 'content-type': 'text/plain' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'text/plain on OTLP logs', method: 'POST', url: '/v1/logs', key: 'ingest', payload: '{}', headers: { 'content-type': 'text/plain' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'form on POST api-keys', method: 'POST', url: '/v1/api-keys', key: 'admin', payload: 'name=x&role=admin', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  );

  // Sizes: one byte over the limit, on batch ingest and OTLP.
  const over = JSON.stringify({ items: [{ ...call, toolName: 'x'.repeat(bodyLimit) }] });
  list.push(
    { name: 'body over the limit on tool-calls', ...toolCalls, payload: over, status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'body over the limit on OTLP logs', method: 'POST', url: '/v1/logs', key: 'ingest', payload: over, status: 413, code: 'PAYLOAD_TOO_LARGE' },
    {
      name: 'gzip bomb: small on the wire, over the limit decompressed (OTLP logs)',
      method: 'POST',
      url: '/v1/logs',
      key: 'ingest',
      payload: gzipSync(`{"resourceLogs":[${' '.repeat(bodyLimit)}]}`),
      headers: { 'content-encoding': 'gzip' },
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    { name: 'gzip header on a body that is not gzip (OTLP logs)', method: 'POST', url: '/v1/logs', key: 'ingest', payload: Buffer.from('{}'), headers: { 'content-encoding': 'gzip' }, status: 400, code: 'MALFORMED_GZIP' },
    { name: 'Content-Encoding br (OTLP logs)', method: 'POST', url: '/v1/logs', key: 'ingest', payload: Buffer.from('{}'), headers: { 'content-encoding': 'br' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'body over the limit on profiles', method: 'POST', url: '/v1/profiles', key: 'admin', payload: over, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  );

  // Prototype keys: refused, never merged into anything.
  for (const [what, text] of [
    ['__proto__ at the top', `{"__proto__":{"admin":true},${JSON.stringify(call).slice(1)}`],
    ['constructor.prototype at the top', `{"constructor":{"prototype":{"admin":true}},${JSON.stringify(call).slice(1)}`],
  ] as const) {
    list.push({ name: `${what} on tool-calls`, ...toolCalls, payload: text, status: 400, code: 'VALIDATION_FAILED' });
  }
  list.push(
    { name: '__proto__ in contextData', method: 'POST', url: '/v1/productivity-events', key: 'ingest', payload: withRaw(event, 'contextData', '{"__proto__":{"polluted":1}}'), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'constructor.prototype in contextData', method: 'POST', url: '/v1/productivity-events', key: 'ingest', payload: withRaw(event, 'contextData', '{"constructor":{"prototype":{"polluted":1}}}'), status: 400, code: 'VALIDATION_FAILED' },
    { name: '__proto__ in a profile config', method: 'POST', url: '/v1/profiles', key: 'admin', payload: '{"name":"proto-x","config":{"__proto__":{"enabled":false}}}', status: 400, code: 'VALIDATION_FAILED' },
    { name: '__proto__ in an OTLP body', method: 'POST', url: '/v1/logs', key: 'ingest', payload: '{"resourceLogs":[],"__proto__":{"x":1}}', status: 400, code: 'VALIDATION_FAILED' },
  );

  // Strings SQLite cannot store faithfully.
  list.push(
    { name: 'lone high surrogate in toolName', ...toolCalls, payload: withRaw(call, 'toolName', '"Re\\ud800ad"'), status: 400, code: 'VALIDATION_FAILED', path: '/toolName' },
    { name: 'lone low surrogate in a batch item', ...toolCalls, payload: `{"items":[${withRaw(call, 'errorType', '"\\udc00"')}]}`, status: 400, code: 'VALIDATION_FAILED', path: '/items/0/errorType' },
    { name: 'lone surrogate in a contextData key', method: 'POST', url: '/v1/productivity-events', key: 'ingest', payload: withRaw(event, 'contextData', '{"k\\ud83d":1}'), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'lone surrogate in a session project', method: 'POST', url: '/v1/sessions', key: 'ingest', payload: '{"type":"test","project":"\\ud800"}', status: 400, code: 'VALIDATION_FAILED', path: '/project' },
    { name: 'NUL in toolName', ...toolCalls, payload: withRaw(call, 'toolName', '"Re\\u0000ad"'), status: 400, code: 'VALIDATION_FAILED', path: '/toolName' },
    { name: 'NUL in a profile description (PATCH)', method: 'PATCH', url: `/v1/profiles/${f.profileName}`, key: 'admin', payload: '{"description":"a\\u0000b"}', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'NUL in an api key name', method: 'POST', url: '/v1/api-keys', key: 'admin', payload: '{"name":"k\\u0000","role":"admin"}', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'lone surrogate in an OTLP attribute', method: 'POST', url: '/v1/logs', key: 'ingest', payload: '{"resourceLogs":[{"resource":{"attributes":[{"key":"session.id","value":{"stringValue":"\\ud800"}}]}}]}', status: 400, code: 'VALIDATION_FAILED' },
  );

  // The key is checked before anything else; then the role.
  list.push(
    { name: 'keyless malformed body', ...toolCalls, key: null, payload: '{"a": ', status: 401, code: 'UNAUTHORIZED' },
    { name: 'keyless oversized body', ...toolCalls, key: null, payload: over, status: 401, code: 'UNAUTHORIZED' },
    { name: 'keyless text/plain body', ...toolCalls, key: null, payload: 'x', headers: { 'content-type': 'text/plain' }, status: 401, code: 'UNAUTHORIZED' },
    { name: 'keyless bad body on api-keys', method: 'POST', url: '/v1/api-keys', key: null, payload: { name: 1 }, status: 401, code: 'UNAUTHORIZED' },
    { name: 'unknown key with a bad body', ...toolCalls, key: null, headers: { authorization: 'Bearer dfa_nope' }, payload: { x: 1 }, status: 401, code: 'UNAUTHORIZED' },
    { name: 'Basic scheme', ...toolCalls, key: null, headers: { authorization: 'Basic YTpi' }, payload: call, status: 401, code: 'UNAUTHORIZED' },
    { name: 'read key with a bad body on tool-calls', ...toolCalls, key: 'read', payload: '{"a": ', status: 403, code: 'FORBIDDEN' },
    { name: 'ingest key on POST api-keys', method: 'POST', url: '/v1/api-keys', key: 'ingest', payload: { name: 'x', role: 'admin' }, status: 403, code: 'FORBIDDEN' },
    { name: 'ingest key on PUT retention/policy', method: 'PUT', url: '/v1/retention/policy', key: 'ingest', payload: routes[8]!.body(), status: 403, code: 'FORBIDDEN' },
  );

  // Wrong methods: a 404 problem (no such route), never a 5xx or an empty body.
  for (const [method, url] of [
    ['PUT', '/v1/tool-calls'],
    ['DELETE', '/v1/stats'],
    ['PATCH', '/v1/tool-calls'],
    ['POST', '/v1/stats'],
    ['DELETE', '/v1/retention/policy'],
    ['PUT', `/v1/sessions/${f.sessionId}`],
    ['DELETE', '/v1/tool-calls'],
    ['POST', `/v1/profiles/${f.profileName}`],
  ] as const) {
    list.push({ name: `${method} ${url}`, method, url, key: 'admin', payload: method === 'DELETE' ? undefined : {}, status: 404, code: 'NOT_FOUND' });
  }

  // Path ids: traversal and non-UUIDs are a 400 where the id is a UUID, a 404 otherwise.
  list.push(
    { name: 'GET session ..%2F..%2Fetc%2Fpasswd', method: 'GET', url: '/v1/sessions/..%2F..%2Fetc%2Fpasswd', key: 'read', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'PATCH session ..%2F..%2Fetc%2Fpasswd', method: 'PATCH', url: '/v1/sessions/..%2F..%2Fetc%2Fpasswd', key: 'ingest', payload: { outputLines: 1 }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'DELETE session ..%2F..', method: 'DELETE', url: '/v1/sessions/..%2F..', key: 'admin', status: 400, code: 'VALIDATION_FAILED' },
    // inject, like curl and browsers, resolves `..` first: this is GET /v1/api-keys (admin only).
    { name: 'GET profiles/../api-keys (read key)', method: 'GET', url: '/v1/profiles/../api-keys', key: 'read', status: 403, code: 'FORBIDDEN' },
    { name: 'DELETE profiles/../api-keys', method: 'DELETE', url: '/v1/profiles/../api-keys', key: 'admin', status: 404, code: 'NOT_FOUND' },
    { name: 'PATCH profiles/..%2Fapi-keys', method: 'PATCH', url: '/v1/profiles/..%2Fapi-keys', key: 'admin', payload: { description: 'x' }, status: 404, code: 'NOT_FOUND' },
    { name: 'DELETE api-key with a non-UUID id', method: 'DELETE', url: '/v1/api-keys/123', key: 'admin', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'DELETE api-key with a braced id', method: 'DELETE', url: `/v1/api-keys/%7B${f.apiKeyId}%7D`, key: 'admin', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'DELETE unknown session', method: 'DELETE', url: `/v1/sessions/${SESSION}`, key: 'admin', status: 404, code: 'NOT_FOUND' },
    { name: 'PATCH session with a UUID of 37 chars', method: 'PATCH', url: `/v1/sessions/${f.sessionId}0`, key: 'ingest', payload: { outputLines: 1 }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'PATCH session with SQL in the id', method: 'PATCH', url: `/v1/sessions/${encodeURIComponent("' OR 1=1 --")}`, key: 'ingest', payload: { outputLines: 1 }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'DELETE profile with SQL in the name', method: 'DELETE', url: `/v1/profiles/${encodeURIComponent("x' OR '1'='1")}`, key: 'admin', status: 404, code: 'NOT_FOUND' },
    { name: 'DELETE profile id past 2^53', method: 'DELETE', url: '/v1/profiles/9007199254740993', key: 'admin', status: 404, code: 'NOT_FOUND' },
    { name: 'DELETE session with a bad percent-escape', method: 'DELETE', url: '/v1/sessions/%', key: 'admin', status: 400, code: 'BAD_REQUEST' },
    { name: 'PATCH profile with an encoded lone surrogate', method: 'PATCH', url: '/v1/profiles/%ED%A0%80', key: 'admin', payload: { description: 'x' }, status: 400, code: 'BAD_REQUEST' },
    { name: 'DELETE session with a 5000-char id', method: 'DELETE', url: `/v1/sessions/${'y'.repeat(5000)}`, key: 'admin', status: 414, code: 'URI_TOO_LONG' },
    { name: 'GET session with %zz', method: 'GET', url: '/v1/sessions/%zz', key: 'read', status: 400, code: 'BAD_REQUEST' },
    { name: 'PATCH profile with a NUL in the name', method: 'PATCH', url: '/v1/profiles/a%00b', key: 'admin', payload: { description: 'x' }, status: 404, code: 'NOT_FOUND' },
  );
  return list;
}

test('hostile requests: envelope, media types, sizes, keys, methods, path ids', async (t) => {
  const app = await build(t);
  const bodyLimit = app.config.bodyLimit;
  const fixture = await seed(app);
  const list = cases(fixture, bodyLimit);
  if (list.length < 40) throw new Error(`catalogue too small: ${list.length}`);
  for (const c of list) await t.test(c.name, () => expectRejected(app, c));
});

/** One raw HTTP/1.1 request, path sent as is (no client-side `..` resolution). */
function rawGet(port: number, path: string, key: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`),
    );
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(text.split(' ')[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
  });
}

test('a literal .. in the path over a real socket reaches no other route', async (t) => {
  const app = await build(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  for (const path of ['/v1/profiles/../api-keys', '/v1/sessions/../stats', '/v1/profiles/..%2F..%2Fapi-keys', '/v1/sessions/..%2F..%2Fetc%2Fpasswd']) {
    const res = await rawGet(port, path, app.keys.admin);
    assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status} ${res.body}`);
    assert.match(res.body, /"code":"(NOT_FOUND|VALIDATION_FAILED)"/, path);
  }
});
