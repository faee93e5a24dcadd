import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { productivityEvents, sessions } from '../../src/db/sqlite/schema/index.js';
import { auth, build, problemOf, type TestApp } from '../helper.js';

const URL = '/v1/productivity-events';

function addSession(app: TestApp, id = randomUUID()): string {
  const now = Date.now();
  app.sqlite.db.insert(sessions).values({ id, type: 'agent', startedAt: now - 3_600_000, updatedAt: now, lastActivityAt: now - 3_600_000 }).run();
  return id;
}

const event = (sessionId: string, extra: Record<string, unknown> = {}) => ({
  sessionId,
  eventType: 'code_generation',
  traditionalTimeEstimate: 1800,
  actualTimeTaken: 600,
  ...extra,
});

async function post(app: TestApp, payload: unknown, query = '') {
  return app.inject({ method: 'POST', url: `${URL}${query}`, headers: auth(app.keys.ingest), payload: payload as object });
}

const count = (app: TestApp) => app.sqlite.db.select().from(productivityEvents).all().length;

test('one event is stored with timeSaved and improvementPercentage computed', async (t) => {
  const app = await build(t);
  const s = addSession(app);
  const id = randomUUID().toUpperCase();
  const res = await post(app, event(s, { id, contextData: { lang: 'ts' }, userSatisfaction: 4, createdAt: '2026-01-02T03:04:05.006+01:00' }));
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { accepted: 1, duplicates: 0, rejected: [] });
  const list = await app.inject({ url: URL, headers: auth(app.keys.read) });
  assert.equal(list.statusCode, 200);
  assert.deepEqual(list.json().items, [
    {
      id: id.toLowerCase(),
      sessionId: s,
      eventType: 'code_generation',
      traditionalTimeEstimate: 1800,
      actualTimeTaken: 600,
      timeSaved: 1200,
      improvementPercentage: (1200 / 1800) * 100,
      contextData: { lang: 'ts' },
      userSatisfaction: 4,
      createdAt: '2026-01-02T02:04:05.006Z',
    },
  ]);
});

test('improvementPercentage is null when the estimate is 0; slower than estimated is a negative saving', async (t) => {
  const app = await build(t);
  const s = addSession(app);
  const res = await post(app, { items: [event(s, { traditionalTimeEstimate: 0, actualTimeTaken: 5 }), event(s, { traditionalTimeEstimate: 10, actualTimeTaken: 15 })] });
  assert.equal(res.statusCode, 200, res.body);
  const items = (await app.inject({ url: URL, headers: auth(app.keys.read) })).json().items as Array<Record<string, unknown>>;
  const byEstimate = new Map(items.map((i) => [i.traditionalTimeEstimate, i]));
  assert.equal(byEstimate.get(0)?.improvementPercentage, null);
  assert.equal(byEstimate.get(0)?.timeSaved, -5);
  assert.equal(byEstimate.get(10)?.improvementPercentage, -50);
  assert.equal(byEstimate.get(0)?.contextData, null);
  assert.equal(byEstimate.get(0)?.userSatisfaction, null);
});

test('computed fields cannot be sent: timeSaved or improvementPercentage is a 400 unknown property', async (t) => {
  const app = await build(t);
  const s = addSession(app);
  for (const extra of [{ timeSaved: 1 }, { improvementPercentage: 5 }]) {
    const res = await post(app, event(s, extra));
    assert.equal(res.statusCode, 400);
    const p = problemOf(res);
    assert.equal(p.code, 'VALIDATION_FAILED');
    assert.equal(p.errors?.[0]?.path, `/${Object.keys(extra)[0]}`);
  }
  assert.equal(count(app), 0);
});

test('invalid items: negative times, satisfaction outside 1..5, contextData not an object or over 16 KiB', async (t) => {
  const app = await build(t);
  const s = addSession(app);
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ actualTimeTaken: -1 }, '/actualTimeTaken'],
    [{ traditionalTimeEstimate: '10' }, '/traditionalTimeEstimate'],
    [{ userSatisfaction: 6 }, '/userSatisfaction'],
    [{ userSatisfaction: 2.5 }, '/userSatisfaction'],
    [{ contextData: [1, 2] }, '/contextData'],
    [{ contextData: { blob: 'x'.repeat(16 * 1024) } }, '/contextData'],
    [{ eventType: '' }, '/eventType'],
    [{ createdAt: 12345 }, '/createdAt'],
  ];
  for (const [extra, path] of cases) {
    const res = await post(app, { items: [event(s), event(s, extra)] });
    assert.equal(res.statusCode, 400, JSON.stringify(extra));
    const p = problemOf(res);
    assert.equal(p.code, 'VALIDATION_FAILED');
    assert.ok(p.errors?.some((e) => e.path === `/items/1${path}`), `${JSON.stringify(extra)}: ${JSON.stringify(p.errors)}`);
  }
  const ok = await post(app, event(s, { contextData: { blob: 'x'.repeat(16 * 1024 - 20) } }));
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(count(app), 1);
});

test('batch: all-or-nothing, unknown session 422 listing it, partial stores the good ones, duplicates counted', async (t) => {
  const app = await build(t);
  const s = addSession(app);
  const ghost = randomUUID();
  const unknown = await post(app, { items: [event(s), event(ghost)] });
  assert.equal(unknown.statusCode, 422);
  const p = problemOf(unknown);
  assert.equal(p.code, 'UNKNOWN_SESSION');
  assert.ok(p.detail.includes(ghost));
  assert.deepEqual(p.errors, [{ path: '/items/1/sessionId', message: `unknown session ${ghost}` }]);
  assert.equal(count(app), 0, 'nothing written on failure');

  const id = randomUUID();
  const partial = await post(app, { items: [event(s, { id }), event(ghost), event(s, { userSatisfaction: 0 }), event(s, { id }), event(s, { contextData: { x: 'y'.repeat(17000) } })] }, '?partial=true');
  assert.equal(partial.statusCode, 200, partial.body);
  const body = partial.json();
  assert.equal(body.accepted, 1);
  assert.equal(body.duplicates, 1);
  assert.deepEqual(body.rejected.map((r: { index: number; code: string }) => [r.index, r.code]), [[1, 'UNKNOWN_SESSION'], [2, 'VALIDATION_FAILED'], [4, 'VALIDATION_FAILED']]);
  assert.equal(body.rejected[2].errors[0].path, '/items/4/contextData');

  const again = await post(app, event(s, { id: id.toUpperCase() }));
  assert.deepEqual(again.json(), { accepted: 0, duplicates: 1, rejected: [] });
  assert.equal(count(app), 1);

  const single = await post(app, event(ghost));
  assert.equal(single.statusCode, 422);
  assert.deepEqual(problemOf(single).errors, [{ path: '/sessionId', message: `unknown session ${ghost}` }]);
  const singlePartial = await post(app, event(ghost), '?partial=true');
  assert.equal(singlePartial.statusCode, 200);
  assert.deepEqual(singlePartial.json().rejected[0].errors, [{ path: '/sessionId', message: `unknown session ${ghost}` }]);
});

test('the session\'s last activity moves with its events; toolCallCount does not', async (t) => {
  const app = await build(t);
  const s = addSession(app);
  const at = Date.now() - 1000;
  await post(app, event(s, { createdAt: at }));
  const row = app.sqlite.db.select().from(sessions).all()[0]!;
  assert.equal(row.lastActivityAt, at);
  assert.equal(row.toolCallCount, 0);
});

test('list filters by session, eventType and time range and pages newest first', async (t) => {
  const app = await build(t);
  const a = addSession(app);
  const b = addSession(app);
  const base = Date.UTC(2026, 0, 1);
  const items = Array.from({ length: 7 }, (_, i) => event(i % 2 ? a : b, { eventType: i % 3 ? 'review' : 'debug', createdAt: base + (i % 4) * 1000 }));
  assert.equal((await post(app, { items })).statusCode, 200);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res: { statusCode: number; json: () => unknown } = await app.inject({ url: `${URL}?limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: auth(app.keys.read) });
    assert.equal(res.statusCode, 200);
    const pageBody = res.json() as { items: Array<{ id: string; createdAt: string }>; nextCursor: string | null };
    seen.push(...pageBody.items.map((i) => i.createdAt));
    cursor = pageBody.nextCursor;
  } while (cursor);
  assert.equal(seen.length, 7);
  assert.deepEqual(seen, [...seen].sort().reverse());

  const q = async (query: string) => (await app.inject({ url: `${URL}?${query}`, headers: auth(app.keys.read) })).json().items as Array<Record<string, unknown>>;
  assert.ok((await q(`session=${a.toUpperCase()}`)).every((i) => i.sessionId === a));
  assert.equal((await q(`session=${a}`)).length, 3);
  assert.equal((await q('eventType=debug')).length, 3);
  assert.equal((await q(`from=${base + 1000}&to=${base + 3000}`)).length, 4);
  assert.equal((await app.inject({ url: `${URL}?cursor=nope`, headers: auth(app.keys.read) })).statusCode, 400);
  assert.equal((await app.inject({ url: `${URL}?limit=501`, headers: auth(app.keys.read) })).statusCode, 400);
  assert.equal((await app.inject({ url: URL, headers: auth(app.keys.ingest) })).statusCode, 403);
  assert.equal((await app.inject({ method: 'POST', url: URL, headers: auth(app.keys.read), payload: event(a) })).statusCode, 403);
});
