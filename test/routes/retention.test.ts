import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import { acquireLease, releaseLease } from '../../src/db/sqlite/retention/lease.js';
import { writeTransaction } from '../../src/db/sqlite/client.js';
import { DEFAULT_POLICY } from '../../src/services/retention-policy.js';
import { ADMIN_KEY, auth, build, problemOf } from '../helper.js';
import { DAY, HOUR, seedSession, seedToolCalls } from '../services/retention-seed.js';

const json = { 'content-type': 'application/json' };
const POLICY = { toolCallsDays: 30, sessionsDays: 180, productivityEventsDays: 200, featureUsageDays: 45, staleSessionHours: 12, schedule: '15 2 * * *', vacuum: 'full' };

test('GET /v1/retention/policy gives the contract defaults', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'GET', url: '/v1/retention/policy', headers: auth(app.keys.admin) });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), {
    toolCallsDays: 90,
    sessionsDays: 365,
    productivityEventsDays: 365,
    featureUsageDays: 90,
    staleSessionHours: 24,
    rollupDays: 730,
    schedule: DEFAULT_POLICY.schedule,
    vacuum: 'incremental',
  });
});

test('PUT /v1/retention/policy replaces and persists it', async (t) => {
  const app = await build(t);
  const put = await app.inject({ method: 'PUT', url: '/v1/retention/policy', headers: { ...auth(app.keys.admin), ...json }, payload: POLICY });
  assert.equal(put.statusCode, 200);
  // rollupDays (issue 9) may be omitted: it keeps its default.
  assert.deepEqual(put.json(), { ...POLICY, rollupDays: 730 });
  const get = await app.inject({ method: 'GET', url: '/v1/retention/policy', headers: auth(app.keys.admin) });
  assert.deepEqual(get.json(), { ...POLICY, rollupDays: 730 });
  const withRollups = await app.inject({ method: 'PUT', url: '/v1/retention/policy', headers: { ...auth(app.keys.admin), ...json }, payload: { ...POLICY, rollupDays: 3650 } });
  assert.deepEqual(withRollups.json(), { ...POLICY, rollupDays: 3650 });
  // A policy stored before rollupDays existed reads with the default.
  app.sqlite.db.$client.prepare("update settings set value = json_remove(value, '$.rollupDays') where key = 'retention.policy'").run();
  const old = await app.inject({ method: 'GET', url: '/v1/retention/policy', headers: auth(app.keys.admin) });
  assert.equal(old.json().rollupDays, 730);
});

test('PUT /v1/retention/policy validates every field and writes nothing when invalid', async (t) => {
  const app = await build(t);
  const put = (payload: unknown) => app.inject({ method: 'PUT', url: '/v1/retention/policy', headers: { ...auth(app.keys.admin), ...json }, payload: JSON.stringify(payload) });
  const cases: Array<[unknown, string]> = [
    [{ ...POLICY, schedule: 'not a cron' }, '/schedule'],
    [{ ...POLICY, schedule: '99 * * * *' }, '/schedule'],
    [{ ...POLICY, schedule: '2030-01-01T00:00:00Z' }, '/schedule'],
    [{ ...POLICY, toolCallsDays: 0 }, '/toolCallsDays'],
    [{ ...POLICY, rollupDays: 0 }, '/rollupDays'],
    [{ ...POLICY, rollupDays: 36_501 }, '/rollupDays'],
    [{ ...POLICY, sessionsDays: -3 }, '/sessionsDays'],
    [{ ...POLICY, featureUsageDays: 1.5 }, '/featureUsageDays'],
    [{ ...POLICY, productivityEventsDays: '30' }, '/productivityEventsDays'],
    [{ ...POLICY, staleSessionHours: 10_000_000 }, '/staleSessionHours'],
    [{ ...POLICY, vacuum: 'sometimes' }, '/vacuum'],
    [{ ...POLICY, extra: true }, '/extra'],
    [(({ schedule: _s, ...rest }) => rest)(POLICY), '/schedule'],
  ];
  for (const [payload, path] of cases) {
    const res = await put(payload);
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    const p = problemOf(res);
    assert.equal(p.code, 'VALIDATION_FAILED');
    assert.ok(p.errors?.some((e) => e.path === path), `${path} in ${JSON.stringify(p.errors)}`);
  }
  assert.deepEqual((await app.services.retention.getPolicy()), DEFAULT_POLICY);
});

test('retention routes are admin only', async (t) => {
  const app = await build(t);
  const routes = [
    { method: 'GET' as const, url: '/v1/retention/policy' },
    { method: 'PUT' as const, url: '/v1/retention/policy', payload: POLICY },
    { method: 'POST' as const, url: '/v1/retention/run' },
    { method: 'GET' as const, url: '/v1/retention/runs' },
  ];
  for (const r of routes) {
    assert.equal((await app.inject({ ...r, headers: { ...(r.payload ? json : {}) } })).statusCode, 401, `${r.method} ${r.url}`);
    for (const key of [app.keys.read, app.keys.ingest]) {
      const res = await app.inject({ ...r, headers: { ...auth(key), ...(r.payload ? json : {}) } });
      assert.equal(res.statusCode, 403, `${r.method} ${r.url}`);
      assert.equal(problemOf(res).code, 'FORBIDDEN');
    }
  }
  assert.equal((await app.services.retention.listRuns({ limit: 5 })).items.length, 0);
});

test('POST /v1/retention/run: dry run then run, in the contract shape', async (t) => {
  const app = await build(t);
  const now = Date.now();
  const ended = seedSession(app.sqlite.db, { status: 'completed', startedAt: now - 400 * DAY, toolCalls: [now - 399 * DAY] });
  seedToolCalls(app.sqlite.db, ended, 300, now - 400 * DAY);
  seedSession(app.sqlite.db, { status: 'active', startedAt: now - 48 * HOUR });

  const dry = await app.inject({ method: 'POST', url: '/v1/retention/run?dryRun=true', headers: auth(app.keys.admin) });
  assert.equal(dry.statusCode, 200);
  const d = dry.json();
  assert.equal(d.dryRun, true);
  assert.deepEqual(d.deleted, { toolCalls: 301, sessions: 1, productivityEvents: 0, featureUsage: 0 });
  assert.equal(d.staleSessionsClosed, 1);
  assert.equal(typeof d.id, 'number');
  assert.match(d.startedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.match(d.finishedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.equal(d.vacuum.mode, 'incremental');
  assert.equal(d.vacuum.bytesBefore, d.vacuum.bytesAfter);

  const run = await app.inject({ method: 'POST', url: '/v1/retention/run', headers: auth(app.keys.admin) });
  assert.equal(run.statusCode, 200);
  const r = run.json();
  assert.equal(r.dryRun, false);
  assert.deepEqual(r.deleted, d.deleted);
  assert.equal(r.staleSessionsClosed, 1);
  assert.equal(r.trigger, 'manual');
  assert.equal(r.status, 'succeeded');
  assert.equal(r.error, null);
  assert.ok(Number.isInteger(r.vacuum.bytesBefore) && Number.isInteger(r.vacuum.bytesAfter));

  const explicitFalse = await app.inject({ method: 'POST', url: '/v1/retention/run?dryRun=false', headers: auth(app.keys.admin) });
  assert.equal(explicitFalse.json().dryRun, false);
  const bad = await app.inject({ method: 'POST', url: '/v1/retention/run?dryRun=maybe', headers: auth(app.keys.admin) });
  assert.equal(bad.statusCode, 400);
  assert.equal(problemOf(bad).code, 'VALIDATION_FAILED');
});

test('POST /v1/retention/run is 409 RETENTION_RUNNING while the lease is held, and records nothing', async (t) => {
  const app = await build(t);
  assert.ok(writeTransaction(app.sqlite.db, (tx) => acquireLease(tx, 'someone-else', Date.now())));
  for (const url of ['/v1/retention/run', '/v1/retention/run?dryRun=true']) {
    const res = await app.inject({ method: 'POST', url, headers: auth(app.keys.admin) });
    assert.equal(res.statusCode, 409);
    assert.equal(problemOf(res).code, 'RETENTION_RUNNING');
  }
  assert.equal((await app.services.retention.listRuns({ limit: 5 })).items.length, 0);
  releaseLease(app.sqlite.db, 'someone-else');
  assert.equal((await app.inject({ method: 'POST', url: '/v1/retention/run', headers: auth(app.keys.admin) })).statusCode, 200);
});

test('a second app instance on the same file gets 409 while the first runs', async (t) => {
  const app = await build(t);
  const second = await buildApp(testConfig({ dbPath: join(app.dir, 'analytics.db'), adminKey: ADMIN_KEY, rateLimitMax: 0 }));
  t.after(() => second.close());
  const id = seedSession(app.sqlite.db, { startedAt: Date.now() - 200 * DAY });
  seedToolCalls(app.sqlite.db, id, 40_000, Date.now() - 200 * DAY);
  const first = app.inject({ method: 'POST', url: '/v1/retention/run', headers: auth(ADMIN_KEY) });
  // Let the first run take its lease before asking the second instance.
  while (!(await app.services.retention.isRunning())) await new Promise((r) => setImmediate(r));
  const res = await second.inject({ method: 'POST', url: '/v1/retention/run', headers: auth(ADMIN_KEY) });
  assert.equal(res.statusCode, 409);
  assert.equal(problemOf(res).code, 'RETENTION_RUNNING');
  assert.equal((await first).statusCode, 200);
});

test('GET /v1/retention/runs lists every run newest first with keyset pages', async (t) => {
  const app = await build(t);
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) ids.push((await app.services.retention.run({ dryRun: i % 2 === 0 })).id);
  const seen: number[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/v1/retention/runs?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await app.inject({ method: 'GET', url, headers: auth(app.keys.admin) });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { items: Array<{ id: number; status: string; trigger: string; durationMs: number; error: null; vacuum: { note: string | null } }>; nextCursor: string | null };
    assert.ok(body.items.length <= 2);
    for (const item of body.items) {
      assert.equal(item.status, 'succeeded');
      assert.equal(item.trigger, 'manual');
      assert.ok(Number.isInteger(item.durationMs));
      assert.equal(item.error, null);
      assert.ok('note' in item.vacuum);
    }
    seen.push(...body.items.map((i) => i.id));
    cursor = body.nextCursor;
  } while (cursor);
  assert.deepEqual(seen, [...ids].reverse());

  for (const q of ['limit=0', 'limit=501', 'cursor=%21%21', 'cursor=WzFd']) {
    const res = await app.inject({ method: 'GET', url: `/v1/retention/runs?${q}`, headers: auth(app.keys.admin) });
    assert.equal(res.statusCode, 400, q);
    assert.equal(problemOf(res).code, 'VALIDATION_FAILED');
  }
});
