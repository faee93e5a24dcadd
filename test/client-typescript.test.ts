import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { createDevflowClient, type BatchResult, type Problem, type Session, type ToolsReport } from '../clients/typescript/src/index.js';
import { build } from './helper.js';

/**
 * clients/typescript against the real app on a socket. The annotated variables are checked by
 * tsc (typecheck covers test/), so this file also proves the generated types fit what the
 * server answers.
 */

async function listening(t: Parameters<typeof build>[0]) {
  const app = await build(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return Object.assign(app, { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` });
}

test('the client creates, reads and ends a session with typed bodies and answers', async (t) => {
  const app = await listening(t);
  const ingest = createDevflowClient({ baseUrl: `${app.url}/`, apiKey: app.keys.ingest });
  const read = createDevflowClient({ baseUrl: app.url, apiKey: app.keys.read });

  const created = await ingest.POST('/v1/sessions', { body: { type: 'test', project: 'client' } });
  assert.equal(created.response.status, 201);
  const session: Session | undefined = created.data;
  assert.equal(session?.status, 'active');
  const id = session?.id ?? '';

  const batch = await ingest.POST('/v1/tool-calls', { body: { items: [{ sessionId: id, toolName: 'Read', durationMs: 5, status: 'success' }] } });
  const result: BatchResult | undefined = batch.data;
  assert.deepEqual(result, { accepted: 1, duplicates: 0, rejected: [] });

  const ended = await ingest.PATCH('/v1/sessions/{id}', { params: { path: { id } }, body: { status: 'failed', exitCode: 3 } });
  assert.deepEqual([ended.data?.status, ended.data?.exitCode, ended.data?.toolCallCount], ['failed', 3, 1]);

  const fetched = await read.GET('/v1/sessions/{id}', { params: { path: { id } } });
  assert.deepEqual(fetched.data, ended.data);

  const report = await read.GET('/v1/reports/tools', { params: { query: { session: id } } });
  const rows: ToolsReport['rows'] | undefined = report.data?.rows;
  assert.deepEqual(rows?.map((r) => [r.toolName, r.calls]), [['Read', 1]]);

  // CSV is the same route asked as text.
  const csv = await read.GET('/v1/reports/tools', { params: { query: { session: id, format: 'csv' } }, parseAs: 'text' });
  const text: string | undefined = csv.data;
  assert.match(text ?? '', /^toolName,calls,/);
});

test('a failure answers the problem as a typed error, not an exception', async (t) => {
  const app = await listening(t);
  const read = createDevflowClient({ baseUrl: app.url, apiKey: app.keys.read });
  const missing = await read.GET('/v1/sessions/{id}', { params: { path: { id: '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d' } } });
  assert.equal(missing.response.status, 404);
  assert.equal(missing.data, undefined);
  const problem: Problem | undefined = missing.error;
  assert.equal(problem?.code, 'NOT_FOUND');

  const forbidden = await read.POST('/v1/sessions', { body: { type: 'lint' } });
  assert.equal(forbidden.response.status, 403);
  assert.equal(forbidden.error?.code, 'FORBIDDEN');
});

test('the key goes in the Authorization header of each request and nowhere in the client', async (t) => {
  const app = await listening(t);
  const seen: Request[] = [];
  const client = createDevflowClient({
    baseUrl: app.url,
    apiKey: app.keys.read,
    fetch: (request) => {
      seen.push(request.clone());
      return fetch(request);
    },
  });
  const stats = await client.GET('/v1/stats');
  assert.equal(stats.response.status, 200);
  assert.equal(seen.length, 1, 'the given fetch was used');
  assert.equal(seen[0]?.headers.get('authorization'), `Bearer ${app.keys.read}`);
  assert.ok(!inspect(client, { depth: 10, showHidden: true }).includes(app.keys.read), 'the key is not on the client object');
});
