import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { featureUsage, sessions } from '../../src/db/sqlite/schema/index.js';
import { auth, build, problemOf, type TestApp } from '../helper.js';

const URL = '/v1/feature-usage';

function addSession(app: TestApp, id = randomUUID()): string {
  const now = Date.now();
  app.sqlite.db.insert(sessions).values({ id, type: 'repl', startedAt: now - 3_600_000, updatedAt: now, lastActivityAt: now - 3_600_000 }).run();
  return id;
}

const usage = (sessionId: string, extra: Record<string, unknown> = {}) => ({
  sessionId,
  featureName: 'auto-refactor',
  featureCategory: 'editing',
  startedAt: '2026-01-02T03:00:00Z',
  ...extra,
});

async function post(app: TestApp, payload: unknown, query = '') {
  return app.inject({ method: 'POST', url: `${URL}${query}`, headers: auth(app.keys.ingest), payload: payload as object });
}

const count = (app: TestApp) => app.sqlite.db.select().from(featureUsage).all().length;

test('one usage is stored and read back with every field', async (t) => {
  const app = await build(t);
  const s = addSession(app);
  const id = randomUUID();
  const res = await post(app, usage(s, { id, completedAt: Date.UTC(2026, 0, 2, 3, 0, 42), success: false, errorMessage: 'language server timed out' }));
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { accepted: 1, duplicates: 0, rejected: [] });
  const list = await app.inject({ url: URL, headers: auth(app.keys.read) });
  assert.deepEqual(list.json(), {
    items: [
      {
        id,
        sessionId: s,
        featureName: 'auto-refactor',
        featureCategory: 'editing',
        startedAt: '2026-01-02T03:00:00.000Z',
        completedAt: '2026-01-02T03:00:42.000Z',
        success: false,
        errorMessage: 'language server timed out',
      },
    ],
    nextCursor: null,
  });
});

test('defaults: startedAt now, completedAt, success and errorMessage null', async (t) => {
  const now = Date.UTC(2026, 5, 1, 12);
  const app = await build(t, {}, { now: () => now });
  const s = addSession(app);
  const { startedAt: _omit, ...noStart } = usage(s);
  assert.equal((await post(app, noStart)).statusCode, 200);
  const item = (await app.inject({ url: URL, headers: auth(app.keys.read) })).json().items[0];
  assert.equal(item.startedAt, new Date(now).toISOString());
  assert.equal(item.completedAt, null);
  assert.equal(item.success, null);
  assert.equal(item.errorMessage, null);
});

test('completedAt before startedAt is a 422 INVALID_TIME_RANGE (nothing stored), or a rejected item with ?partial', async (t) => {
  const app = await build(t);
  const s = addSession(app);
  const bad = usage(s, { completedAt: '2026-01-02T02:59:59Z' });
  const res = await post(app, { items: [usage(s), bad] });
  assert.equal(res.statusCode, 422);
  const p = problemOf(res);
  assert.equal(p.code, 'INVALID_TIME_RANGE');
  assert.deepEqual(p.errors?.map((e) => e.path), ['/items/1/completedAt']);
  assert.equal(count(app), 0);
  const single = await post(app, bad);
  assert.equal(single.statusCode, 422);
  assert.deepEqual(problemOf(single).errors?.map((e) => e.path), ['/completedAt']);

  const partial = await post(app, { items: [usage(s), bad, usage(s, { completedAt: '2026-01-02T03:00:00Z' })] }, '?partial=true');
  assert.equal(partial.statusCode, 200);
  assert.equal(partial.json().accepted, 2);
  assert.deepEqual(partial.json().rejected, [{ index: 1, code: 'INVALID_TIME_RANGE', errors: [{ path: '/items/1/completedAt', message: 'must not be before startedAt' }] }]);
  assert.equal(count(app), 2);
});

test('batch rules: schema errors 400 by path, unknown session 422, partial, duplicates', async (t) => {
  const app = await build(t);
  const s = addSession(app);
  const ghost = randomUUID();
  const invalid = await post(app, { items: [usage(s), usage(s, { success: 'yes' }), usage(s, { featureName: '' })] });
  assert.equal(invalid.statusCode, 400);
  assert.deepEqual(problemOf(invalid).errors?.map((e) => e.path), ['/items/1/success', '/items/2/featureName']);
  const unknownProp = await post(app, usage(s, { durationMs: 4 }));
  assert.equal(problemOf(unknownProp).errors?.[0]?.path, '/durationMs');
  const unknown = await post(app, { items: [usage(s), usage(ghost)] });
  assert.equal(unknown.statusCode, 422);
  assert.equal(problemOf(unknown).code, 'UNKNOWN_SESSION');
  assert.equal(count(app), 0);

  const id = randomUUID();
  const res = await post(app, { items: [usage(s, { id }), usage(s, { id }), usage(ghost), usage(s, { success: 1 })] }, '?partial=true');
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().accepted, 1);
  assert.equal(res.json().duplicates, 1);
  assert.deepEqual(res.json().rejected.map((r: { index: number; code: string }) => [r.index, r.code]), [[2, 'UNKNOWN_SESSION'], [3, 'VALIDATION_FAILED']]);
  assert.deepEqual((await post(app, usage(s, { id }))).json(), { accepted: 0, duplicates: 1, rejected: [] });
  assert.equal(count(app), 1);
  const tooMany = await post(app, { items: [] });
  assert.equal(tooMany.statusCode, 400);
  const envelope = await post(app, { items: [usage(s)], extra: 1 });
  assert.equal(envelope.statusCode, 400);
});

test('list filters by session, feature and startedAt range, newest first with keyset pages', async (t) => {
  const app = await build(t);
  const a = addSession(app);
  const b = addSession(app);
  const base = Date.UTC(2026, 0, 1);
  const items = Array.from({ length: 9 }, (_, i) => usage(i % 3 ? a : b, { featureName: i % 2 ? 'lint-fix' : 'explain', startedAt: base + (i % 5) * 60_000 }));
  assert.equal((await post(app, { items })).statusCode, 200);
  const q = async (query: string) => (await app.inject({ url: `${URL}?${query}`, headers: auth(app.keys.read) })).json();
  const ids = new Set<string>();
  let body = await q('limit=4');
  const starts: string[] = [];
  for (;;) {
    for (const i of body.items) {
      ids.add(i.id);
      starts.push(i.startedAt);
    }
    if (!body.nextCursor) break;
    body = await q(`limit=4&cursor=${body.nextCursor}`);
  }
  assert.equal(ids.size, 9);
  assert.deepEqual(starts, [...starts].sort().reverse());
  assert.equal((await q(`session=${b}`)).items.length, 3);
  assert.equal((await q('feature=lint-fix')).items.length, 4);
  assert.equal((await q(`from=${new Date(base + 60_000).toISOString()}&to=${base + 180_000}`)).items.length, 4);
});
