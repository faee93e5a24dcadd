import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { writeTransaction } from '../../src/db/sqlite/client.js';
import { leases, retentionRuns, sessions, toolCalls } from '../../src/db/sqlite/schema/index.js';
import { AppError } from '../../src/lib/app-error.js';
import { newId } from '../../src/lib/ids.js';
import { acquireLease, currentLease } from '../../src/db/sqlite/retention/lease.js';
import { DEFAULT_POLICY, scheduleProblem, type RetentionPolicy } from '../../src/services/retention-policy.js';
import { SliceSizer } from '../../src/db/sqlite/slices.js';
import { build } from '../helper.js';
import { countMismatches, DAY, foreignKeyProblems, HOUR, seedSession, seedToolCalls, tableCount } from './retention-seed.js';

const POLICY: RetentionPolicy = { ...DEFAULT_POLICY, toolCallsDays: 500, sessionsDays: 365, productivityEventsDays: 365, featureUsageDays: 90, staleSessionHours: 24 };

function seedMix(db: Parameters<typeof seedSession>[0], now: number) {
  return {
    staleOld: seedSession(db, { status: 'active', startedAt: now - 400 * DAY, toolCalls: [now - 400 * DAY, now - 400 * DAY + HOUR] }),
    endedOld: seedSession(db, { status: 'completed', startedAt: now - 700 * DAY, toolCalls: [now - 650 * DAY, now - 400 * DAY], events: [now - 399 * DAY], features: [now - 398 * DAY] }),
    endedRecent: seedSession(db, { status: 'completed', startedAt: now - 120 * DAY, toolCalls: [now - 10 * DAY], features: [now - 100 * DAY] }),
    activeFresh: seedSession(db, { status: 'active', startedAt: now - 2 * HOUR, toolCalls: [now - HOUR] }),
    staleRecent: seedSession(db, { status: 'active', startedAt: now - 30 * HOUR, toolCalls: [now - 30 * HOUR] }),
    failedOld: seedSession(db, { status: 'failed', startedAt: now - 400 * DAY }),
  };
}

const EXPECTED = { toolCalls: 2, sessions: 2, productivityEvents: 1, featureUsage: 2 };

test('a dry run counts exactly what the run then deletes, and changes nothing', async (t) => {
  const app = await build(t);
  const retention = app.services.retention;
  await retention.putPolicy(POLICY);
  seedMix(app.sqlite.db, Date.now());
  const before = { sessions: tableCount(app.sqlite.db, 'sessions'), toolCalls: tableCount(app.sqlite.db, 'tool_calls') };

  const dry = await retention.run({ dryRun: true });
  assert.equal(dry.dryRun, true);
  assert.equal(dry.status, 'succeeded');
  assert.deepEqual(dry.deleted, EXPECTED);
  assert.equal(dry.staleSessionsClosed, 2);
  assert.equal(tableCount(app.sqlite.db, 'sessions'), before.sessions);
  assert.equal(tableCount(app.sqlite.db, 'tool_calls'), before.toolCalls);
  assert.equal(app.sqlite.db.select().from(sessions).where(eq(sessions.status, 'active')).all().length, 3);

  const real = await retention.run();
  assert.equal(real.dryRun, false);
  assert.deepEqual(real.deleted, dry.deleted);
  assert.equal(real.staleSessionsClosed, dry.staleSessionsClosed);
  assert.equal(tableCount(app.sqlite.db, 'sessions'), before.sessions - EXPECTED.sessions);
  assert.equal(tableCount(app.sqlite.db, 'tool_calls'), before.toolCalls - EXPECTED.toolCalls);

  // The session closed as stale (idle 400 days) goes with the next run, not the one that closed it.
  const next = await retention.run({ dryRun: true });
  assert.deepEqual(next.deleted, { toolCalls: 2, sessions: 1, productivityEvents: 0, featureUsage: 0 });
  assert.equal(next.staleSessionsClosed, 0);
  assert.deepEqual((await retention.run()).deleted, next.deleted);
});

test('active sessions survive; stale ones are cancelled at their last activity; no orphans; counters exact', async (t) => {
  const app = await build(t);
  const now = Date.now();
  await app.services.retention.putPolicy(POLICY);
  const ids = seedMix(app.sqlite.db, now);
  await app.services.retention.run();

  const byId = (id: string) => app.sqlite.db.select().from(sessions).where(eq(sessions.id, id)).get();
  assert.equal(byId(ids.endedOld), undefined);
  assert.equal(byId(ids.failedOld), undefined);
  assert.equal(byId(ids.endedRecent)?.status, 'completed');
  assert.equal(byId(ids.activeFresh)?.status, 'active');
  assert.equal(byId(ids.activeFresh)?.endedAt, null);
  // Active when the run started, idle for 400 days: closed, not deleted by the same run.
  const staleOld = byId(ids.staleOld);
  assert.equal(staleOld?.status, 'cancelled');
  assert.equal(staleOld?.endedAt, now - 400 * DAY + HOUR);
  const staleRecent = byId(ids.staleRecent);
  assert.equal(staleRecent?.status, 'cancelled');
  assert.equal(staleRecent?.endedAt, now - 30 * HOUR);
  assert.ok((staleRecent?.updatedAt ?? 0) >= now);

  assert.deepEqual(foreignKeyProblems(app.sqlite.db), []);
  assert.equal(countMismatches(app.sqlite.db), 0);
  assert.equal(app.sqlite.db.select().from(toolCalls).where(eq(toolCalls.sessionId, ids.staleOld)).all().length, 2);
});

test('deleting tool calls of live sessions keeps tool_call_count exact', async (t) => {
  const app = await build(t);
  const now = Date.now();
  const id = seedSession(app.sqlite.db, { status: 'active', startedAt: now - 200 * DAY, toolCalls: [now - HOUR] });
  seedToolCalls(app.sqlite.db, id, 5_000, now - 200 * DAY, 1000);
  const run = await app.services.retention.run();
  assert.equal(run.deleted.toolCalls, 5_000);
  assert.equal(app.sqlite.db.select().from(sessions).where(eq(sessions.id, id)).get()?.toolCallCount, 1);
  assert.equal(countMismatches(app.sqlite.db), 0);
});

test('ended sessions go with every child, however many, counted in deleted.*', async (t) => {
  const app = await build(t);
  const now = Date.now();
  // Children younger than their own limit but the session itself past sessionsDays.
  await app.services.retention.putPolicy({ ...POLICY, toolCallsDays: 36_500 });
  const id = seedSession(app.sqlite.db, { status: 'completed', startedAt: now - 800 * DAY, events: [now - 700 * DAY] });
  seedToolCalls(app.sqlite.db, id, 20_000, now - 800 * DAY, 1000);
  const dry = await app.services.retention.run({ dryRun: true });
  const run = await app.services.retention.run();
  assert.deepEqual(run.deleted, { toolCalls: 20_000, sessions: 1, productivityEvents: 1, featureUsage: 0 });
  assert.deepEqual(dry.deleted, run.deleted);
  assert.equal(tableCount(app.sqlite.db, 'tool_calls'), 0);
  assert.deepEqual(foreignKeyProblems(app.sqlite.db), []);
});

test('a held lease gives 409 RETENTION_RUNNING and records nothing; an expired one is taken over', async (t) => {
  const app = await build(t);
  const retention = app.services.retention;
  const now = Date.now();
  assert.ok(writeTransaction(app.sqlite.db, (tx) => acquireLease(tx, 'other-process', now)));
  await assert.rejects(retention.run(), (err: unknown) => err instanceof AppError && err.status === 409 && err.code === 'RETENTION_RUNNING');
  assert.equal(app.sqlite.db.select().from(retentionRuns).all().length, 0);

  // The holder crashed: its lease expired and its run was left `running`.
  writeTransaction(app.sqlite.db, (tx) => {
    tx.update(leases).set({ expiresAt: now - 1 }).run();
    tx.insert(retentionRuns).values({ trigger: 'scheduled', dryRun: false, status: 'running', startedAt: now - 60_000, vacuumMode: 'incremental', bytesBefore: 1 }).run();
  });
  const run = await retention.run();
  assert.equal(run.status, 'succeeded');
  const orphan = (await retention.listRuns({ limit: 10 })).items.find((r) => r.id !== run.id);
  assert.equal(orphan?.status, 'failed');
  assert.match(orphan?.error ?? '', /interrupted/);
  assert.equal(currentLease(app.sqlite.db, Date.now()), null, 'released after the run');
});

test('two runs at once in one process: the second gets RETENTION_RUNNING', async (t) => {
  const app = await build(t);
  const id = seedSession(app.sqlite.db, { startedAt: Date.now() - 200 * DAY });
  seedToolCalls(app.sqlite.db, id, 20_000, Date.now() - 200 * DAY);
  const first = app.services.retention.run();
  await assert.rejects(app.services.retention.run({ dryRun: true }), { code: 'RETENTION_RUNNING' });
  assert.equal((await first).deleted.toolCalls, 20_000);
});

test('ingest keeps flowing while retention deletes: every acknowledged row in the window stays', async (t) => {
  const app = await build(t);
  const now = Date.now();
  const old = seedSession(app.sqlite.db, { status: 'active', startedAt: now - 200 * DAY });
  seedToolCalls(app.sqlite.db, old, 60_000, now - 200 * DAY, 100);
  const live = seedSession(app.sqlite.db, { status: 'active', startedAt: now - HOUR });
  const insert = app.sqlite.db.insert(toolCalls).values({
    id: sql.placeholder('id'), sessionId: live, toolName: 'Edit', durationMs: 3, status: 'success', timestamp: sql.placeholder('ts'),
  }).prepare();

  const acknowledged: string[] = [];
  let failures = 0;
  let duringRun = 0;
  let done = false;
  const slices: number[] = [];
  const running = app.services.retention.run({ onSlice: (ms) => slices.push(ms) }).finally(() => {
    done = true;
  });
  while (!done) {
    const batch = Array.from({ length: 20 }, () => newId());
    try {
      writeTransaction(app.sqlite.db, () => {
        for (const id of batch) insert.run({ id, ts: Date.now() });
        app.sqlite.db.$client.prepare('update sessions set tool_call_count = tool_call_count + ? where id = ?').run(batch.length, live);
      });
      acknowledged.push(...batch);
      duringRun++;
    } catch {
      failures++;
    }
    await tick();
  }
  const run = await running;
  assert.equal(failures, 0);
  assert.ok(duringRun > 10, `ingest interleaved with the run (${duringRun} batches)`);
  assert.equal(run.deleted.toolCalls, 60_000);
  const stored = new Set(app.sqlite.db.select({ id: toolCalls.id }).from(toolCalls).where(eq(toolCalls.sessionId, live)).all().map((r) => r.id));
  assert.equal(acknowledged.filter((id) => !stored.has(id)).length, 0);
  assert.equal(countMismatches(app.sqlite.db), 0);
  assert.ok(slices.length > 5, 'the work was sliced');
});

test('vacuum: incremental returns freed pages; off keeps them; the run records bytes', async (t) => {
  const app = await build(t);
  const now = Date.now();
  const id = seedSession(app.sqlite.db, { status: 'active', startedAt: now - 200 * DAY });
  seedToolCalls(app.sqlite.db, id, 30_000, now - 200 * DAY);
  await app.services.retention.putPolicy({ ...DEFAULT_POLICY, vacuum: 'off' });
  const off = await app.services.retention.run();
  assert.equal(off.vacuum.mode, 'off');
  assert.ok((off.vacuum.bytesAfter ?? 0) >= off.vacuum.bytesBefore);
  assert.ok(Number(app.sqlite.db.$client.pragma('freelist_count', { simple: true })) > 0);

  await app.services.retention.putPolicy({ ...DEFAULT_POLICY, vacuum: 'incremental' });
  const inc = await app.services.retention.run();
  assert.equal(inc.vacuum.note, null);
  assert.ok((inc.vacuum.bytesAfter ?? Infinity) < inc.vacuum.bytesBefore, `${inc.vacuum.bytesAfter} < ${inc.vacuum.bytesBefore}`);
  assert.equal(Number(app.sqlite.db.$client.pragma('freelist_count', { simple: true })), 0);
  // Checkpoints go to the app's worker during the run and after it (db/wal-checkpointer.ts).
  assert.equal(Number(app.sqlite.db.$client.pragma('wal_autocheckpoint', { simple: true })), 0);
  assert.ok(statSync(join(app.dir, 'analytics.db-wal')).size < 64 * 1024, 'WAL truncated (then only the run record)');
});

test('vacuum full rewrites the file when the disk has room', async (t) => {
  const app = await build(t);
  const id = seedSession(app.sqlite.db, { status: 'active', startedAt: Date.now() - 200 * DAY });
  seedToolCalls(app.sqlite.db, id, 20_000, Date.now() - 200 * DAY);
  await app.services.retention.putPolicy({ ...DEFAULT_POLICY, vacuum: 'full' });
  const run = await app.services.retention.run();
  assert.equal(run.vacuum.mode, 'full');
  assert.equal(run.vacuum.note, null);
  assert.ok((run.vacuum.bytesAfter ?? Infinity) < run.vacuum.bytesBefore);
});

test('abortRuns stops a run between slices, records it as failed and frees the lease', async (t) => {
  const app = await build(t);
  const id = seedSession(app.sqlite.db, { startedAt: Date.now() - 200 * DAY });
  seedToolCalls(app.sqlite.db, id, 50_000, Date.now() - 200 * DAY);
  const running = app.services.retention.run();
  await tick();
  await app.services.retention.abortRuns('aborted: test');
  await assert.rejects(running, { code: 'RETENTION_ABORTED' });
  const [last] = (await app.services.retention.listRuns({ limit: 1 })).items;
  assert.equal(last?.status, 'failed');
  assert.equal(last?.error, 'aborted: test');
  // A failed run reports what it committed before it stopped.
  assert.equal(last?.deleted.toolCalls, 50_000 - tableCount(app.sqlite.db, 'tool_calls'));
  assert.equal(currentLease(app.sqlite.db, Date.now()), null);
  assert.equal(countMismatches(app.sqlite.db), 0);
  assert.equal((await app.services.retention.lastRun())?.id, last?.id);
});

test('policy: defaults, persisted replacement, cron validated', async (t) => {
  const app = await build(t);
  const retention = app.services.retention;
  assert.deepEqual((await retention.getPolicy()), DEFAULT_POLICY);
  const seen: string[] = [];
  retention.onPolicyChange((p) => seen.push(p.schedule));
  await retention.putPolicy({ ...DEFAULT_POLICY, schedule: '0 4 * * 1' });
  assert.equal((await retention.getPolicy()).schedule, '0 4 * * 1');
  assert.deepEqual(seen, ['0 4 * * 1']);
  await assert.rejects(retention.putPolicy({ ...DEFAULT_POLICY, schedule: 'every night' }), { code: 'VALIDATION_FAILED' });
  assert.equal((await retention.getPolicy()).schedule, '0 4 * * 1');

  for (const ok of ['30 3 * * *', '* * * * * *', '@daily', '0 0 * * MON-FRI']) assert.equal(scheduleProblem(ok), null, ok);
  for (const bad of ['', '61 * * * *', '* * *', '2030-01-01T00:00:00', '0 0 31 2 *', '* * * * * * * *']) assert.notEqual(scheduleProblem(bad), null, bad);
});

test('slice sizer converges on the time target and grows at most 1.5x', () => {
  const s = new SliceSizer(100, 10, 100_000, 10);
  s.observe(100, 1); // 100 rows/ms -> ideal 1000, capped at 150
  assert.equal(s.size, 150);
  s.observe(150, 30); // 5 rows/ms -> 50
  assert.equal(s.size, 50);
  s.observe(50, 1000);
  assert.equal(s.size, 10);
});

test('POST /v1/tool-calls keeps answering 200 while retention deletes; every acknowledged call stays', async (t) => {
  const app = await build(t);
  const now = Date.now();
  const old = seedSession(app.sqlite.db, { status: 'active', startedAt: now - 200 * DAY });
  seedToolCalls(app.sqlite.db, old, 60_000, now - 200 * DAY, 100);
  const live = seedSession(app.sqlite.db, { status: 'active', startedAt: now - HOUR });

  const acknowledged: string[] = [];
  const failed: string[] = [];
  let done = false;
  const running = app.services.retention.run().finally(() => {
    done = true;
  });
  let batches = 0;
  while (!done) {
    const items = Array.from({ length: 10 }, () => ({ id: newId(), sessionId: live, toolName: 'Edit', durationMs: 4, status: 'success', timestamp: new Date().toISOString() }));
    const res = await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: { authorization: `Bearer ${app.keys.ingest}`, 'content-type': 'application/json' }, payload: { items } });
    if (res.statusCode === 200 && res.json().accepted === items.length) acknowledged.push(...items.map((i) => i.id));
    else failed.push(`${res.statusCode} ${res.body}`);
    batches++;
  }
  const run = await running;
  app.sqlite.settle();
  assert.deepEqual(failed, []);
  assert.ok(batches > 5, `requests interleaved with the run (${batches})`);
  assert.equal(run.deleted.toolCalls, 60_000);
  const stored = new Set(app.sqlite.db.select({ id: toolCalls.id }).from(toolCalls).where(eq(toolCalls.sessionId, live)).all().map((r) => r.id));
  assert.equal(acknowledged.filter((id) => !stored.has(id)).length, 0);
  assert.equal(app.sqlite.db.select().from(sessions).where(eq(sessions.id, live)).get()?.toolCallCount, acknowledged.length);
  assert.equal(countMismatches(app.sqlite.db), 0);
});

test('the lease is renewed between slices, and a run whose lease was taken over stops', async (t) => {
  let offset = 0;
  const app = await build(t, {}, { now: () => Date.now() + offset });
  const id = seedSession(app.sqlite.db, { startedAt: Date.now() - 200 * DAY });
  seedToolCalls(app.sqlite.db, id, 30_000, Date.now() - 200 * DAY);
  const expiries: number[] = [];
  await app.services.retention.run({
    onSlice() {
      offset += 40_000; // every slice is "40 s later": each one renews
      const lease = app.sqlite.db.select().from(leases).get();
      if (lease) expiries.push(lease.expiresAt);
    },
  });
  assert.ok(expiries.length > 3);
  const increases = expiries.filter((e, i) => i > 0 && e > (expiries[i - 1] as number)).length;
  assert.ok(increases >= expiries.length / 2, `expiry moves forward (${increases} of ${expiries.length} slices)`);
  assert.ok(expiries.every((e, i) => i === 0 || e >= (expiries[i - 1] as number)));

  seedToolCalls(app.sqlite.db, id, 30_000, Date.now() - 200 * DAY);
  let stolen = false;
  const run = app.services.retention.run({
    onSlice() {
      offset += 40_000;
      if (!stolen) {
        stolen = true;
        app.sqlite.db.update(leases).set({ holder: 'intruder' }).run();
      }
    },
  });
  await assert.rejects(run, { code: 'RETENTION_RUNNING' });
  const [last] = (await app.services.retention.listRuns({ limit: 1 })).items;
  assert.equal(last?.status, 'failed');
  assert.match(last?.error ?? '', /taken by another run/);
  assert.equal(app.sqlite.db.select().from(leases).get()?.holder, 'intruder', 'the new holder keeps its lease');
  assert.equal(countMismatches(app.sqlite.db), 0);
});
