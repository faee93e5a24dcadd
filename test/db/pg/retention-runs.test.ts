import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LEASE_RENEW_MS, LEASE_TTL_MS } from '../../../src/db/pg/retention/lease.js';
import { createPgRetentionStore } from '../../../src/db/pg/retention/index.js';
import { pgDatabase } from '../../../src/db/pg/client.js';
import type { RetentionRun } from '../../../src/db/store.js';
import { LeaseLostError } from '../../../src/lib/run-errors.js';
import { DEFAULT_POLICY } from '../../../src/services/retention-policy.js';
import { cutoffsFor, performRun } from '../../../src/services/retention-steps.js';
import { freshPgContext } from '../../support/pg.js';
import { addCalls, addEvents, addSession, addUsage, count, DAY, ensureWeeks, runContext, spread, WEEK, weekStart } from './retention-fixture.js';

const opening = (startedAt: number, dryRun = false) => ({ trigger: 'manual' as const, dryRun, vacuumMode: 'incremental' as const, startedAt });
const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as never;

test('policy, scheduler start, and the run history read as on SQLite', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const store = createPgRetentionStore(ctx);
  assert.equal(await store.policy(), undefined);
  await store.savePolicy({ toolCallsDays: 30 }, 1);
  await store.savePolicy({ toolCallsDays: 31 }, 2);
  assert.deepEqual(await store.policy(), { toolCallsDays: 31 });
  assert.equal(await store.schedulerSince(1000), 1000);
  assert.equal(await store.schedulerSince(2000), 1000, 'recorded on first ask');
  assert.equal(await store.lastRun(), undefined);
  assert.equal(await store.lastScheduledStart(), null);
  const ids: number[] = [];
  for (const [startedAt, trigger] of [[100, 'scheduled'], [200, 'manual'], [200, 'scheduled'], [300, 'cli']] as const) {
    const run = await store.openRun({ ...opening(startedAt), trigger }, runContext({ now: () => startedAt }));
    assert.ok(run);
    ids.push(run.id);
    await run.finish({ status: 'succeeded', finishedAt: startedAt + 5, counts: { toolCalls: 1, sessions: 2, productivityEvents: 3, featureUsage: 4, staleSessionsClosed: 5 }, note: 'n', error: null });
  }
  assert.equal((await store.lastRun())?.id, ids[3]);
  assert.equal(await store.lastScheduledStart(), 200);
  const first = await store.listRuns({ limit: 2 });
  assert.deepEqual(first.map((r) => r.id), [ids[3], ids[2]]);
  const next = await store.listRuns({ after: [200, ids[2] as number], limit: 5 });
  assert.deepEqual(next.map((r) => r.id), [ids[1], ids[0]]);
  const row = await store.run(ids[0] as number);
  assert.deepEqual(row?.counts, { toolCalls: 1, sessions: 2, productivityEvents: 3, featureUsage: 4, staleSessionsClosed: 5 });
  assert.equal(row?.vacuumNote, 'n');
  assert.ok((row?.bytesBefore ?? 0) > 0 && (row?.bytesAfter ?? 0) > 0);
  assert.equal(await store.run(999_999), undefined);
});

test('two replicas racing openRun: exactly one takes the lease; the other sees it held', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const other = { ...ctx, pool: ctx.database.pool() };
  const second = { ...other, db: pgDatabase(other.pool) };
  const now = Date.now();
  for (let round = 0; round < 5; round++) {
    const [x, y]: Array<RetentionRun | null> = await Promise.all([createPgRetentionStore(ctx).openRun(opening(now), runContext()), createPgRetentionStore(second).openRun(opening(now), runContext())]);
    assert.equal([x, y].filter(Boolean).length, 1, `round ${round}`);
    const lease = await createPgRetentionStore(ctx).currentLease(now);
    assert.ok(lease && lease.expiresAt === now + LEASE_TTL_MS);
    await (x ?? y)?.finish({ status: 'succeeded', finishedAt: now, counts: { toolCalls: 0, sessions: 0, productivityEvents: 0, featureUsage: 0, staleSessionsClosed: 0 }, note: null, error: null });
  }
  assert.equal(await count(ctx.pool, "select count(*) as n from retention_runs where status = 'succeeded'"), 5);
});

test('a dead holder: its lease blocks until it expires, then its running run is closed as failed', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const store = createPgRetentionStore(ctx);
  const dead = await store.openRun(opening(1000), runContext({ holder: 'dead' }));
  assert.ok(dead);
  assert.equal(await store.openRun(opening(2000), runContext()), null, 'held');
  assert.equal((await store.currentLease(2000))?.holder, 'dead');
  const next = await store.openRun(opening(1000 + LEASE_TTL_MS), runContext());
  assert.ok(next);
  const old = await store.run(dead.id);
  assert.equal(old?.status, 'failed');
  assert.match(old?.error ?? '', /interrupted/);
  assert.equal((await store.run(next.id))?.status, 'running');
});

test('a run whose lease was taken over stops at its next slice with LeaseLostError', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const w0 = weekStart(Date.now());
  const s = await addSession(ctx.pool, { startedAt: w0 - WEEK });
  await addCalls(ctx.pool, s, spread(w0 - WEEK, w0 - WEEK + DAY, 50));
  let clock = 1000;
  const store = createPgRetentionStore(ctx);
  const run = await store.openRun(opening(1000), runContext({ holder: 'slow', now: () => clock }));
  assert.ok(run);
  await ctx.pool.query("update leases set holder = 'thief'");
  clock += LEASE_RENEW_MS + 1;
  await assert.rejects(run.deleteOlder('toolCalls', w0, () => undefined), LeaseLostError);
  assert.equal(await count(ctx.pool, 'select count(*) as n from tool_calls'), 50, 'nothing deleted');
});

/** Old and young data of every kind, ended and active sessions, old and young rollups. */
async function seed(pool: Parameters<typeof addSession>[0], now: number) {
  const w0 = weekStart(now);
  await ensureWeeks(pool, now - 60 * WEEK, w0);
  const oldEnded = await addSession(pool, { startedAt: now - 400 * DAY });
  await addCalls(pool, oldEnded, spread(now - 400 * DAY, now - 380 * DAY, 40));
  await addEvents(pool, oldEnded, spread(now - 400 * DAY, now - 380 * DAY, 10));
  const keep = await addSession(pool, { startedAt: now - 200 * DAY, lastActivityAt: now - DAY });
  await addCalls(pool, keep, spread(now - 200 * DAY, now - DAY, 300));
  await addEvents(pool, keep, spread(now - 200 * DAY, now - DAY, 30));
  await addUsage(pool, keep, spread(now - 200 * DAY, now - DAY, 30));
  const stale = await addSession(pool, { status: 'active', startedAt: now - 3 * DAY });
  const fresh = await addSession(pool, { status: 'active', startedAt: now - 3600_000 });
  await addCalls(pool, fresh, [now - 1000]);
  // An ended session active recently but whose calls are old (a long-lived session).
  const longLived = await addSession(pool, { startedAt: now - 380 * DAY, lastActivityAt: now - 370 * DAY });
  await addUsage(pool, longLived, spread(now - 380 * DAY, now - 370 * DAY, 12));
  for (const slot of [now - 800 * DAY, now - 729 * DAY, now - 10 * DAY]) {
    await pool.query(
      "insert into tool_call_slot_rollups (slot_start, tool_name, calls, errors, timeouts, duration_sum, duration_max, histogram) values ($1, 'Read', 1, 0, 0, 1, 1, '\\x')",
      [slot - (slot % 900_000)],
    );
  }
  return { oldEnded, keep, stale, fresh, longLived };
}

test('countExpired (a dry run) counts exactly what a real run then deletes and closes; the run keeps counters and row counts exact', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const now = Date.now();
  const ids = await seed(ctx.pool, now);
  const store = createPgRetentionStore(ctx);
  const dry = await store.openRun(opening(now, true), runContext());
  assert.ok(dry);
  const expected = await dry.countExpired(cutoffsFor(DEFAULT_POLICY, now));
  await dry.finish({ status: 'succeeded', finishedAt: now, counts: expected, note: null, error: null });
  assert.equal(await count(ctx.pool, 'select count(*) as n from tool_calls'), 341, 'the dry run changed nothing');

  const run = await store.openRun(opening(now), runContext());
  assert.ok(run);
  await performRun({ now: () => now, log: quietLog, onFinished: () => undefined }, run, DEFAULT_POLICY, now, false);
  const row = await store.run(run.id);
  assert.equal(row?.status, 'succeeded');
  assert.deepEqual(row?.counts, expected);
  assert.deepEqual(expected, { toolCalls: 40 + olderThan(now, 300, 90), sessions: 2, productivityEvents: 10, featureUsage: 12 + olderThan(now, 30, 90), staleSessionsClosed: 1 });

  const left = await count(ctx.pool, 'select count(*) as n from tool_calls where session_id = $1', [ids.keep]);
  assert.equal(await count(ctx.pool, 'select tool_call_count as n from sessions where id = $1', [ids.keep]), left);
  assert.equal(await count(ctx.pool, 'select count(*) as n from sessions where id = any($1::uuid[])', [[ids.oldEnded, ids.longLived]]), 0);
  assert.equal(await count(ctx.pool, "select count(*) as n from sessions where id = $1 and status = 'cancelled' and ended_at = last_activity_at", [ids.stale]), 1);
  assert.equal(await count(ctx.pool, "select count(*) as n from sessions where id = $1 and status = 'active'", [ids.fresh]), 1);
  assert.equal(await count(ctx.pool, 'select count(*) as n from tool_call_ids'), await count(ctx.pool, 'select count(*) as n from tool_calls'));
  assert.equal(await count(ctx.pool, 'select count(*) as n from feature_usage_ids'), await count(ctx.pool, 'select count(*) as n from feature_usage'));
  assert.equal(await count(ctx.pool, 'select count(*) as n from productivity_event_ids'), await count(ctx.pool, 'select count(*) as n from productivity_events'));
  // Rollups outlive raw rows: only the slot older than rollupDays went.
  assert.equal(await count(ctx.pool, 'select count(*) as n from tool_call_slot_rollups'), 2);
  const sums = await ctx.pool.query<{ t: string; n: number }>('select table_name as t, sum(rows)::int8 as n from (select table_name, rows from row_counts union all select table_name, rows from row_count_deltas) x group by 1');
  const kept = Object.fromEntries(sums.rows.map((r) => [r.t, r.n]));
  assert.equal(kept.tool_calls, await count(ctx.pool, 'select count(*) as n from tool_calls'));
  assert.equal(kept.sessions, await count(ctx.pool, 'select count(*) as n from sessions'));
  assert.equal(kept.feature_usage, await count(ctx.pool, 'select count(*) as n from feature_usage'));
  assert.equal(kept.productivity_events, await count(ctx.pool, 'select count(*) as n from productivity_events'));
});

/** Of the kept session's n rows, spread(now − 200 d, now − 1 d, n), those older than `days`. */
function olderThan(now: number, n: number, days: number): number {
  return spread(now - 200 * DAY, now - DAY, n).filter((x) => x < now - days * DAY).length;
}

test('reclaimSpace: off does nothing, incremental vacuums, full is refused with a note', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const store = createPgRetentionStore(ctx);
  const run = await store.openRun(opening(Date.now()), runContext());
  assert.ok(run);
  assert.equal(await run.reclaimSpace('off'), null);
  assert.equal(await run.reclaimSpace('incremental'), null);
  assert.match((await run.reclaimSpace('full')) ?? '', /VACUUM FULL skipped/);
  await run.analyze();
  assert.equal(await count(ctx.pool, "select count(*) as n from pg_stat_user_tables where relname = 'sessions' and last_analyze is not null"), 1);
});
