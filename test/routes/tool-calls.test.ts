import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { eq } from 'drizzle-orm';
import { sessions, toolCalls } from '../../src/db/sqlite/schema/index.js';
import { auth, build, problemOf, type TestApp } from '../helper.js';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Sessions come from another resource: insert them directly so these tests stand alone. */
function addSession(app: TestApp, id: string = randomUUID()): string {
  app.sqlite.db.insert(sessions).values({ id, type: 'agent', startedAt: T0, updatedAt: T0, lastActivityAt: T0 }).run();
  return id;
}

const call = (sessionId: string, extra: Record<string, unknown> = {}) => ({
  sessionId,
  toolName: 'Read',
  durationMs: 12,
  status: 'success',
  timestamp: T0 + 1000,
  ...extra,
});

function post(app: TestApp, payload: unknown, query = '') {
  return app.inject({ method: 'POST', url: `/v1/tool-calls${query}`, headers: auth(app.keys.ingest), payload: payload as object });
}

/** What tool_calls holds once the inbox's staged calls are moved (as every reader does first). */
function stored(app: TestApp) {
  app.sqlite.settle();
  return app.sqlite.db.select().from(toolCalls).all();
}

function sessionRow(app: TestApp, id: string) {
  app.sqlite.settle(); // staged calls count in their session as they move
  const row = app.sqlite.db.select().from(sessions).where(eq(sessions.id, id)).get();
  assert.ok(row);
  return row;
}

function assertCountsExact(app: TestApp) {
  app.sqlite.settle();
  for (const s of app.sqlite.db.select().from(sessions).all()) {
    const n = app.sqlite.db.select().from(toolCalls).where(eq(toolCalls.sessionId, s.id)).all().length;
    assert.equal(s.toolCallCount, n, `session ${s.id} toolCallCount`);
  }
}

test('one tool call: stored with a server-made UUID v7 and shown as the contract says', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  const res = await post(app, call(sid, { errorType: null }));
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { accepted: 1, duplicates: 0, rejected: [] });
  const list = await app.inject({ method: 'GET', url: '/v1/tool-calls', headers: auth(app.keys.read) });
  assert.equal(list.statusCode, 200);
  const [item] = list.json().items;
  assert.match(item.id, UUID_V7);
  assert.deepEqual({ ...item, id: 'x' }, {
    id: 'x',
    sessionId: sid,
    toolName: 'Read',
    durationMs: 12,
    status: 'success',
    errorType: null,
    timestamp: new Date(T0 + 1000).toISOString(),
  });
  assert.equal(sessionRow(app, sid).toolCallCount, 1);
  assert.equal(sessionRow(app, sid).lastActivityAt, T0 + 1000, 'the call advances the session\'s last activity');
});

test('server ids are UUID v7, distinct and time-ordered within a batch', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  const res = await post(app, { items: Array.from({ length: 50 }, () => call(sid)) });
  assert.deepEqual(res.json(), { accepted: 50, duplicates: 0, rejected: [] });
  const ids = stored(app).map((r) => r.id);
  assert.equal(new Set(ids).size, 50);
  for (const id of ids) assert.match(id, UUID_V7);
});

test('timestamp defaults to now and accepts epoch ms or RFC 3339 with offset', async (t) => {
  const now = Date.UTC(2026, 10, 21, 8, 0, 0);
  const app = await build(t, {}, { now: () => now });
  const sid = addSession(app);
  const a = randomUUID();
  const b = randomUUID();
  const c = randomUUID();
  const { timestamp: _omit, ...noTime } = call(sid);
  const res = await post(app, {
    items: [
      { ...noTime, id: a },
      { ...call(sid), id: b, timestamp: T0 },
      { ...call(sid), id: c, timestamp: '2026-11-20T13:30:00.5+01:30' },
    ],
  });
  assert.equal(res.json().accepted, 3);
  const byId = new Map(stored(app).map((r) => [r.id, r.timestamp]));
  assert.equal(byId.get(a), now);
  assert.equal(byId.get(b), T0);
  assert.equal(byId.get(c), T0 + 500);
});

test('a client id is kept, any case is stored lower case, and a retry is a duplicate', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  const id = randomUUID();
  const first = await post(app, call(sid.toUpperCase(), { id: id.toUpperCase() }));
  assert.deepEqual(first.json(), { accepted: 1, duplicates: 0, rejected: [] });
  const [row] = stored(app);
  assert.equal(row?.id, id);
  assert.equal(row?.sessionId, sid);
  const again = await post(app, call(sid, { id }));
  assert.deepEqual(again.json(), { accepted: 0, duplicates: 1, rejected: [] });
  const mixed = await post(app, call(sid, { id: id.toUpperCase(), durationMs: 99 }));
  assert.deepEqual(mixed.json(), { accepted: 0, duplicates: 1, rejected: [] }, 'the first write wins; a retry never changes it');
  assert.equal(stored(app).length, 1);
  assert.equal(stored(app)[0]?.durationMs, 12);
  assert.equal(sessionRow(app, sid).toolCallCount, 1);
});

test('duplicates within and across batches are counted, and toolCallCount stays exact', async (t) => {
  const app = await build(t);
  const s1 = addSession(app);
  const s2 = addSession(app);
  const ids = Array.from({ length: 6 }, () => randomUUID());
  const first = await post(app, {
    items: [call(s1, { id: ids[0] }), call(s1, { id: ids[1] }), call(s2, { id: ids[2] }), call(s1, { id: ids[0]?.toUpperCase() }), call(s2)],
  });
  assert.deepEqual(first.json(), { accepted: 4, duplicates: 1, rejected: [] });
  const second = await post(app, {
    items: [call(s1, { id: ids[1] }), call(s2, { id: ids[2] }), call(s2, { id: ids[3] }), call(s1, { id: ids[4] }), call(s1, { id: ids[4] }), call(s2, { id: ids[5] })],
  });
  assert.deepEqual(second.json(), { accepted: 3, duplicates: 3, rejected: [] });
  assert.equal(sessionRow(app, s1).toolCallCount, 3);
  assert.equal(sessionRow(app, s2).toolCallCount, 4);
  assertCountsExact(app);
  assert.deepEqual(app.services.counters.snapshot().accepted, 7);
  assert.deepEqual(app.services.counters.snapshot().duplicates, 4);
});

test('concurrent single calls share a commit: each session counted once per call, its last activity the latest time, duplicates not counted', async (t) => {
  const app = await build(t, { groupCommitMs: 50 });
  const [s1, s2] = [addSession(app), addSession(app)];
  const retried = randomUUID();
  const bodies = [
    ...Array.from({ length: 12 }, (_, i) => call(s1, { timestamp: T0 + 1000 + i })),
    ...Array.from({ length: 5 }, (_, i) => call(s2, { timestamp: T0 + 5000 - i })),
    call(s2, { id: retried }),
    call(s2, { id: retried }),
  ];
  const answers = await Promise.all(bodies.map((b) => post(app, b)));
  assert.deepEqual(answers.map((a) => a.statusCode), bodies.map(() => 200));
  assert.equal(answers.reduce((n, a) => n + (a.json() as { accepted: number }).accepted, 0), 18);
  // Read over HTTP first, as a client would right after its answers.
  const viewed = await app.inject({ url: `/v1/sessions/${s2}`, headers: auth(app.keys.admin) });
  assert.equal(viewed.json().toolCallCount, 6);
  assert.equal(sessionRow(app, s1).toolCallCount, 12);
  assert.equal(sessionRow(app, s2).toolCallCount, 6);
  assert.equal(sessionRow(app, s1).lastActivityAt, T0 + 1011);
  assert.equal(sessionRow(app, s2).lastActivityAt, T0 + 5000);
  assertCountsExact(app);
});

test('all-or-nothing: one bad item is a 400 naming /items/N/field and nothing is stored', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  const items = [call(sid), call(sid, { durationMs: -1 }), call(sid), call(sid, { status: 'ok', extra: 1 })];
  const res = await post(app, { items });
  assert.equal(res.statusCode, 400);
  const p = problemOf(res);
  assert.equal(p.code, 'VALIDATION_FAILED');
  assert.deepEqual(p.errors?.map((e) => e.path).sort(), ['/items/1/durationMs', '/items/3/extra', '/items/3/status']);
  assert.equal(stored(app).length, 0);
  assert.equal(sessionRow(app, sid).toolCallCount, 0);
});

test('one bad single item is a 400 with the field path', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  const res = await post(app, call(sid, { durationMs: 1.5 }));
  assert.equal(res.statusCode, 400);
  assert.deepEqual(problemOf(res).errors?.map((e) => e.path), ['/durationMs']);
});

test('field rules: safe non-negative integer durations, no coercion, tool name length, times', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  const bad: Array<[Record<string, unknown>, string]> = [
    [{ durationMs: 2 ** 53 }, '/durationMs'],
    [{ durationMs: '5' }, '/durationMs'],
    [{ durationMs: -1 }, '/durationMs'],
    [{ toolName: '' }, '/toolName'],
    [{ toolName: 'x'.repeat(201) }, '/toolName'],
    [{ status: 'SUCCESS' }, '/status'],
    [{ errorType: 5 }, '/errorType'],
    [{ timestamp: '2026-11-20T12:00:00' }, '/timestamp'],
    [{ timestamp: 1_700_000_000 }, '/timestamp'],
    [{ timestamp: Date.now() + 25 * 3600_000 }, '/timestamp'],
    [{ timestamp: '1732000000000' }, '/timestamp'],
    [{ id: 'not-a-uuid' }, '/id'],
    [{ sessionId: 'abc' }, '/sessionId'],
  ];
  for (const [extra, path] of bad) {
    const res = await post(app, call(sid, extra));
    assert.equal(res.statusCode, 400, JSON.stringify(extra));
    assert.ok(problemOf(res).errors?.some((e) => e.path === path), `${JSON.stringify(extra)} → ${res.body}`);
  }
  const { toolName: _t, ...missing } = call(sid);
  const res = await post(app, missing);
  assert.deepEqual(problemOf(res).errors?.map((e) => e.path), ['/toolName']);
  assert.equal(stored(app).length, 0);
});

test('partial mode stores the valid items and reports each bad one with index, code and errors', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  const ghost = randomUUID();
  const dup = randomUUID();
  const items = [call(sid, { id: dup }), call(sid, { durationMs: 'slow' }), call(ghost), call(sid), call(sid, { id: dup }), null];
  const res = await post(app, { items }, '?partial=true');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.accepted, 2);
  assert.equal(body.duplicates, 1);
  assert.deepEqual(body.rejected.map((r: { index: number; code: string }) => [r.index, r.code]), [[1, 'VALIDATION_FAILED'], [2, 'UNKNOWN_SESSION'], [5, 'VALIDATION_FAILED']]);
  assert.deepEqual(body.rejected[0].errors.map((e: { path: string }) => e.path), ['/items/1/durationMs']);
  assert.deepEqual(body.rejected[1].errors.map((e: { path: string }) => e.path), ['/items/2/sessionId']);
  assert.equal(stored(app).length, 2);
  assert.equal(sessionRow(app, sid).toolCallCount, 2);
  assert.equal(app.services.counters.snapshot().rejected, 3);
});

test('partial mode with a single bad item answers 200 with it rejected at index 0', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  const res = await post(app, call(sid, { durationMs: -5 }), '?partial=true');
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { accepted: 0, duplicates: 0, rejected: [{ index: 0, code: 'VALIDATION_FAILED', errors: [{ path: '/durationMs', message: 'must be >= 0' }] }] });
  const ok = await post(app, call(sid), '?partial=false');
  assert.deepEqual(ok.json(), { accepted: 1, duplicates: 0, rejected: [] });
  const badFlag = await post(app, call(sid), '?partial=maybe');
  assert.equal(badFlag.statusCode, 400);
  assert.equal(problemOf(badFlag).code, 'VALIDATION_FAILED');
  const unknownParam = await post(app, call(sid), '?atomic=true');
  assert.equal(unknownParam.statusCode, 400);
});

test('unknown sessions are a 422 UNKNOWN_SESSION listing them, and nothing is stored', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  const ghosts = [randomUUID(), randomUUID()];
  const res = await post(app, { items: [call(sid), call(ghosts[0]!), call(sid), call(ghosts[1]!.toUpperCase()), call(ghosts[0]!)] });
  assert.equal(res.statusCode, 422);
  const p = problemOf(res);
  assert.equal(p.code, 'UNKNOWN_SESSION');
  for (const g of ghosts) assert.ok(p.detail.includes(g), p.detail);
  assert.deepEqual(p.errors?.map((e) => e.path), ['/items/1/sessionId', '/items/3/sessionId', '/items/4/sessionId']);
  assert.equal(stored(app).length, 0);
  assert.equal(sessionRow(app, sid).toolCallCount, 0);
  const single = await post(app, call(ghosts[0]!));
  assert.equal(single.statusCode, 422);
  assert.deepEqual(problemOf(single).errors?.map((e) => e.path), ['/sessionId']);
  const partial = await post(app, call(ghosts[1]!), '?partial=true');
  assert.deepEqual(partial.json(), { accepted: 0, duplicates: 0, rejected: [{ index: 0, code: 'UNKNOWN_SESSION', errors: [{ path: '/sessionId', message: `unknown session ${ghosts[1]!}` }] }] });
  assert.equal(stored(app).length, 0);
  assert.equal(sessionRow(app, sid).toolCallCount, 0);
});

test('the batch envelope: empty, too many, extra keys and non-arrays are 400s', async (t) => {
  const app = await build(t, { maxBatch: 3 });
  const sid = addSession(app);
  const cases: unknown[] = [
    { items: [] },
    { items: [call(sid), call(sid), call(sid), call(sid)] },
    { items: [call(sid)], partial: true },
    { items: call(sid) },
    [call(sid)],
  ];
  for (const payload of cases) {
    for (const query of ['', '?partial=true']) {
      const res = await post(app, payload, query);
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)} ${query}`);
      assert.equal(problemOf(res).code, 'VALIDATION_FAILED');
    }
  }
  const full = await post(app, { items: [call(sid), call(sid), call(sid)] });
  assert.equal(full.json().accepted, 3);
  assert.equal(stored(app).length, 3);
});

test('roles: ingest posts, read lists; the key is checked before the body', async (t) => {
  const app = await build(t);
  const sid = addSession(app);
  const asRead = await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: auth(app.keys.read), payload: call(sid) });
  assert.equal(asRead.statusCode, 403);
  const asIngest = await app.inject({ method: 'GET', url: '/v1/tool-calls', headers: auth(app.keys.ingest) });
  assert.equal(asIngest.statusCode, 403);
  const keyless = await app.inject({ method: 'POST', url: '/v1/tool-calls', payload: { bad: true } });
  assert.equal(keyless.statusCode, 401);
  const asAdmin = await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: auth(app.keys.admin), payload: call(sid) });
  assert.equal(asAdmin.statusCode, 200);
});

type Item = { id: string; sessionId: string; toolName: string; status: string; timestamp: string };

async function listAll(app: TestApp, query: string, limit: number): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = query ? '&' : '';
    const url: string = `/v1/tool-calls?${query}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await app.inject({
      method: 'GET',
      url,
      headers: auth(app.keys.read),
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { items: Item[]; nextCursor: string | null };
    items.push(...body.items);
    cursor = body.nextCursor;
    pages += 1;
  } while (cursor);
  return { items, pages };
}

test('list: newest first with id as tiebreaker, keyset pages, and every filter', async (t) => {
  const app = await build(t);
  const s1 = addSession(app);
  const s2 = addSession(app);
  const items = [];
  for (let i = 0; i < 30; i += 1) {
    items.push(call(i % 2 ? s1 : s2, {
      toolName: i % 3 === 0 ? 'Bash' : 'Read',
      status: i % 5 === 0 ? 'error' : 'success',
      errorType: i % 5 === 0 ? 'EXIT_1' : null,
      // Pairs share a timestamp so the id tiebreaker matters.
      timestamp: T0 + Math.floor(i / 2) * 1000,
    }));
  }
  assert.equal((await post(app, { items })).json().accepted, 30);

  const all = await listAll(app, '', 7);
  assert.equal(all.items.length, 30);
  assert.equal(all.pages, 5);
  const expected = stored(app).sort((a, b) => b.timestamp - a.timestamp || (a.id < b.id ? 1 : -1)).map((r) => r.id);
  assert.deepEqual(all.items.map((i) => i.id), expected);

  const check = async (query: string, keep: (r: ReturnType<typeof stored>[number]) => boolean) => {
    const got = await listAll(app, query, 4);
    const want = stored(app).filter(keep).sort((a, b) => b.timestamp - a.timestamp || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    assert.ok(want.length > 0, query);
    assert.deepEqual(got.items.map((i) => i.id), want, query);
  };
  await check(`session=${s1.toUpperCase()}`, (r) => r.sessionId === s1);
  await check('tool=Bash', (r) => r.toolName === 'Bash');
  await check('status=error', (r) => r.status === 'error');
  await check(`from=${new Date(T0 + 3000).toISOString()}&to=${T0 + 9000}`, (r) => r.timestamp >= T0 + 3000 && r.timestamp < T0 + 9000);
  await check(`session=${s2}&tool=Read&status=success&from=${T0}`, (r) => r.sessionId === s2 && r.toolName === 'Read' && r.status === 'success');

  const none = await app.inject({ method: 'GET', url: '/v1/tool-calls?tool=Nope', headers: auth(app.keys.read) });
  assert.deepEqual(none.json(), { items: [], nextCursor: null });
});

test('list: limit and cursor are validated, unknown filters rejected', async (t) => {
  const app = await build(t);
  for (const query of ['limit=0', 'limit=501', 'limit=x', 'cursor=%%%', 'cursor=bm90LWpzb24', `cursor=${Buffer.from('["a","b"]').toString('base64url')}`, 'from=yesterday', 'status=ok', 'session=abc', 'colour=red']) {
    const res = await app.inject({ method: 'GET', url: `/v1/tool-calls?${query}`, headers: auth(app.keys.read) });
    assert.equal(res.statusCode, 400, query);
    assert.equal(problemOf(res).code, 'VALIDATION_FAILED', query);
  }
  const max = await app.inject({ method: 'GET', url: '/v1/tool-calls?limit=500', headers: auth(app.keys.read) });
  assert.equal(max.statusCode, 200);
});

test('every list query uses an index', async (t) => {
  const app = await build(t);
  const sqlite = app.sqlite.db.$client;
  const plans = [
    'select * from tool_calls order by timestamp desc, id desc limit 51',
    "select * from tool_calls where session_id = 'x' order by timestamp desc, id desc limit 51",
    "select * from tool_calls where tool_name = 'x' and timestamp >= 1 order by timestamp desc, id desc limit 51",
    "select * from tool_calls where status = 'error' and timestamp <= 5 and (timestamp < 5 or id < 'x') order by timestamp desc, id desc limit 51",
  ];
  for (const q of plans) {
    const detail = (sqlite.prepare(`explain query plan ${q}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    assert.match(detail, /USING (COVERING )?INDEX tool_calls_/, `${q}: ${detail}`);
  }
});
