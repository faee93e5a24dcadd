import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { sessions } from '../../src/db/sqlite/schema/index.js';
import { exportFormat } from '../../src/routes/v1/tool-calls.js';
import { auth, build, type TestApp } from '../helper.js';

const T0 = Date.UTC(2026, 9, 1);
const HEADER = 'id,sessionId,toolName,durationMs,status,errorType,timestamp';

type Row = { id: string; sessionId: string; toolName: string; durationMs: number; status: string; errorType: string | null; timestamp: number };

function addSession(app: TestApp, id: string = randomUUID()): string {
  app.sqlite.db.insert(sessions).values({ id, type: 'agent', startedAt: T0, updatedAt: T0, lastActivityAt: T0 }).run();
  return id;
}

/** Bulk rows straight into the table: one prepared statement, one transaction. */
function insertRows(app: TestApp, count: number, sessionIds: string[]): Row[] {
  const sqlite = app.sqlite.db.$client;
  const stmt = sqlite.prepare('insert into tool_calls (id, session_id, tool_name, duration_ms, status, error_type, timestamp) values (?, ?, ?, ?, ?, ?, ?)');
  const rows: Row[] = [];
  sqlite.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      // Three rows per millisecond (ids random), so ordering needs the id tiebreaker.
      const row: Row = {
        id: randomUUID(),
        sessionId: sessionIds[i % sessionIds.length] as string,
        toolName: i % 4 === 0 ? 'Bash' : 'Read',
        durationMs: i % 1000,
        status: i % 10 === 0 ? 'error' : 'success',
        errorType: i % 10 === 0 ? 'EXIT_1' : null,
        timestamp: T0 + Math.floor(i / 3),
      };
      stmt.run(row.id, row.sessionId, row.toolName, row.durationMs, row.status, row.errorType, row.timestamp);
      rows.push(row);
    }
  })();
  sqlite.prepare('update sessions set tool_call_count = (select count(*) from tool_calls where session_id = sessions.id)').run();
  return rows.sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : 1));
}

const exportUrl = (query = '') => `/v1/tool-calls/export${query}`;

test('export of 100k rows: complete and oldest first, as NDJSON and as CSV', async (t) => {
  const app = await build(t);
  const sids = [addSession(app), addSession(app)];
  const rows = insertRows(app, 100_000, sids);

  const nd = await app.inject({ method: 'GET', url: exportUrl(), headers: auth(app.keys.read) });
  assert.equal(nd.statusCode, 200);
  assert.match(String(nd.headers['content-type']), /^application\/x-ndjson/);
  const lines = nd.body.split('\n');
  assert.equal(lines.pop(), '', 'every line ends with a newline');
  assert.equal(lines.length, rows.length);
  for (let i = 0; i < rows.length; i += 1) {
    const r = rows[i] as Row;
    const got = JSON.parse(lines[i] as string);
    if (got.id !== r.id) assert.fail(`line ${i}: ${got.id} != ${r.id}`);
    if (i % 9973 === 0) {
      assert.deepEqual(got, { ...r, timestamp: new Date(r.timestamp).toISOString() });
    }
  }

  const csv = await app.inject({ method: 'GET', url: exportUrl(), headers: { ...auth(app.keys.read), accept: 'text/csv' } });
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /^text\/csv/);
  const csvLines = csv.body.split('\r\n');
  assert.equal(csvLines.pop(), '');
  assert.equal(csvLines.shift(), HEADER);
  assert.equal(csvLines.length, rows.length);
  for (let i = 0; i < rows.length; i += 1) {
    const r = rows[i] as Row;
    const expected = [r.id, r.sessionId, r.toolName, r.durationMs, r.status, r.errorType ?? '', new Date(r.timestamp).toISOString()].join(',');
    if (csvLines[i] !== expected) assert.fail(`csv line ${i}: ${csvLines[i]} != ${expected}`);
  }
});

test('export filters: tool, session, from (inclusive) and to (exclusive)', async (t) => {
  const app = await build(t);
  const sids = [addSession(app), addSession(app)];
  const rows = insertRows(app, 3000, sids);
  const get = async (query: string) => {
    const res = await app.inject({ method: 'GET', url: exportUrl(query), headers: auth(app.keys.read) });
    assert.equal(res.statusCode, 200, res.body);
    return res.body.split('\n').filter(Boolean).map((l) => JSON.parse(l).id as string);
  };
  const from = T0 + 100;
  const to = T0 + 700;
  const s1 = sids[1] as string;
  assert.deepEqual(await get(`?tool=Bash&session=${s1.toUpperCase()}&from=${new Date(from).toISOString()}&to=${to}`),
    rows.filter((r) => r.toolName === 'Bash' && r.sessionId === s1 && r.timestamp >= from && r.timestamp < to).map((r) => r.id));
  assert.deepEqual(await get('?status=error'), rows.filter((r) => r.status === 'error').map((r) => r.id));
  assert.deepEqual(await get('?tool=None'), []);
  for (const bad of ['?from=soon', '?session=x', '?format=xml', '?page=2']) {
    const res = await app.inject({ method: 'GET', url: exportUrl(bad), headers: auth(app.keys.read) });
    assert.equal(res.statusCode, 400, bad);
  }
  const asIngest = await app.inject({ method: 'GET', url: exportUrl(), headers: auth(app.keys.ingest) });
  assert.equal(asIngest.statusCode, 403);
});

test('CSV cells are quoted per RFC 4180 and escaped against formula injection', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  const items = [
    { toolName: '=HYPERLINK("http://x","y")', errorType: '-1+1', ts: T0 },
    { toolName: 'mcp__fs,read', errorType: 'said "no"\nthen left', ts: T0 + 1 },
    { toolName: '@sum', errorType: '\tTAB', ts: T0 + 2 },
  ].map((x) => ({ sessionId: sid, toolName: x.toolName, durationMs: 5, status: 'error', errorType: x.errorType, timestamp: x.ts }));
  const post = await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: auth(app.keys.ingest), payload: { items } });
  assert.equal(post.json().accepted, 3);
  const res = await app.inject({ method: 'GET', url: exportUrl('?format=csv'), headers: auth(app.keys.read) });
  const lines = res.body.split(/\r\n(?=[0-9a-f]{8}-|$)/);
  assert.equal(lines[0], HEADER);
  assert.match(lines[1] as string, /,"'=HYPERLINK\(""http:\/\/x"",""y""\)",5,error,'-1\+1,2026-10-01T00:00:00\.000Z$/);
  assert.match(lines[2] as string, /,"mcp__fs,read",5,error,"said ""no""\nthen left",2026-10-01T00:00:00\.001Z$/);
  assert.match(lines[3] as string, /,'@sum,5,error,'\tTAB,2026-10-01T00:00:00\.002Z$/);
});

test('format: ?format wins, then Accept (q-values), default NDJSON; empty exports', async (t) => {
  assert.equal(exportFormat(undefined, undefined), 'ndjson');
  assert.equal(exportFormat(undefined, 'text/csv'), 'csv');
  assert.equal(exportFormat(undefined, 'text/html, text/csv;q=0.9, */*;q=0.8'), 'csv');
  assert.equal(exportFormat(undefined, 'text/csv;q=0.5, application/x-ndjson'), 'ndjson');
  assert.equal(exportFormat(undefined, 'application/json'), 'ndjson');
  assert.equal(exportFormat(undefined, '*/*'), 'ndjson');
  assert.equal(exportFormat(undefined, 'text/csv;q=0'), 'ndjson');
  assert.equal(exportFormat('ndjson', 'text/csv'), 'ndjson');
  assert.equal(exportFormat('csv', undefined), 'csv');

  const app = await build(t);
  const csv = await app.inject({ method: 'GET', url: exportUrl('?format=csv'), headers: { ...auth(app.keys.read), accept: 'application/x-ndjson' } });
  assert.equal(csv.body, `${HEADER}\r\n`, 'an empty CSV export still has its header');
  assert.match(String(csv.headers['content-disposition']), /tool-calls\.csv/);
  const nd = await app.inject({ method: 'GET', url: exportUrl(), headers: auth(app.keys.read) });
  assert.equal(nd.statusCode, 200);
  assert.equal(nd.body, '');
  const head = await app.inject({ method: 'HEAD', url: exportUrl('?format=csv'), headers: auth(app.keys.read) });
  assert.equal(head.statusCode, 200);
  assert.match(String(head.headers['content-type']), /^text\/csv/);
  assert.equal(head.body, '');
});

function get(port: number, path: string, key: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: auth(key) }, resolve);
    req.on('error', reject);
    req.end();
  });
}

async function bodyOf(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) text += String(chunk);
  return text;
}

test('a stalled or aborted export leaves the server healthy and the database usable', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  insertRows(app, 100_000, [sid]);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;

  // A client that stops reading: the export waits on backpressure while other work goes on.
  const stalled = await get(port, '/v1/tool-calls/export', app.keys.read);
  assert.equal(stalled.statusCode, 200);
  await new Promise<void>((resolve) => stalled.once('data', () => resolve()));
  stalled.pause();
  const ingest = await app.inject({
    method: 'POST',
    url: '/v1/tool-calls',
    headers: auth(app.keys.ingest),
    payload: { sessionId: sid, toolName: 'Edit', durationMs: 1, status: 'success' },
  });
  assert.equal(ingest.statusCode, 200, ingest.body);
  assert.equal(ingest.json().accepted, 1);

  // The client goes away mid-stream.
  stalled.destroy();
  const aborted = await get(port, '/v1/tool-calls/export?format=csv', app.keys.read);
  let received = 0;
  await new Promise<void>((resolve) => {
    aborted.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > 200_000) {
        aborted.destroy();
        resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, 100));

  const ready = await get(port, '/readyz', app.keys.read);
  assert.equal(ready.statusCode, 200);
  await bodyOf(ready);
  const list = await get(port, '/v1/tool-calls?tool=Edit', app.keys.read);
  assert.equal(list.statusCode, 200);
  assert.equal(JSON.parse(await bodyOf(list)).items.length, 1);
  const full = await get(port, `/v1/tool-calls/export?session=${sid}`, app.keys.read);
  const lines = (await bodyOf(full)).split('\n').filter(Boolean);
  assert.equal(lines.length, 100_001, 'a later export is complete');
});
