import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { SLOT_MS } from '../../../src/lib/rollup-grains.js';
import { RunAbortedError } from '../../../src/lib/run-errors.js';
import { newId } from '../../../src/lib/ids.js';
import { auth, build, openTestStore, tempDir, type TestApp } from '../../helper.js';

const DAY = 86_400_000;

async function post(app: TestApp, url: string, payload: object) {
  const res = await app.inject({ method: 'POST', url, headers: auth(app.keys.admin), payload });
  assert.ok(res.statusCode < 300, res.body);
  return res.json() as Record<string, unknown>;
}

// Reads of the rollup tables fold the appended deltas first, as the reports do.
const rollupCalls = (app: TestApp) => (app.sqlite.settle(), app.sqlite.db.$client.prepare('select coalesce(sum(calls), 0) as n from tool_call_slot_rollups').get() as { n: number }).n;

test('reports read raw rows until the backfill has built the rollups for rows stored before, then rollups, which outlive raw rows', async (t) => {
  const app = await build(t, { exactReportCalls: 0 });
  const s = await post(app, '/v1/sessions', { type: 'agent', project: 'web', startedAt: Date.now() - 20 * DAY });
  await post(app, '/v1/tool-calls', { items: [1, 2, 3].map((i) => ({ sessionId: s.id, toolName: 'Bash', durationMs: 50 * i + 10, status: 'success', timestamp: Date.now() - i * DAY })) });
  // Rows stored "before rollups existed": drop what ingest kept.
  app.sqlite.db.$client.exec('delete from tool_call_slot_rollups; delete from tool_call_summaries; delete from tool_call_rollup_deltas');
  const raw = await app.inject({ url: '/v1/reports/tools', headers: auth(app.keys.read) });
  assert.equal(raw.json().source, 'raw');
  const csv = await app.inject({ url: '/v1/reports/tools?format=csv', headers: auth(app.keys.read) });
  assert.ok(!csv.body.includes('source'), 'CSV is unchanged');
  const result = await app.services.rollups.rebuild();
  assert.ok(result.slots > 0);
  assert.equal(rollupCalls(app), 3);
  const built = await app.inject({ url: '/v1/reports/tools', headers: auth(app.keys.read) });
  assert.equal(built.json().source, 'rollup');
  assert.deepEqual(built.json().rows, raw.json().rows, 'durations under 200 ms have exact buckets');
  app.sqlite.db.$client.exec('delete from tool_calls where timestamp < ' + String(Date.now() - 2.5 * DAY));
  const rolled = await app.inject({ url: '/v1/reports/tools', headers: auth(app.keys.read) });
  assert.equal(rolled.json().source, 'rollup');
  assert.deepEqual(rolled.json().rows, raw.json().rows, 'figures outlive the raw rows');
});

test('retention: raw rows and rollups have separate limits (rollupDays); reports answer from rollups alone', async (t) => {
  const app = await build(t);
  await app.services.rollups.rebuild();
  const now = Date.now();
  const s = await post(app, '/v1/sessions', { type: 'agent', startedAt: now - 40 * DAY });
  const times = [now - 30 * DAY, now - 12 * DAY, now - 2 * DAY];
  await post(app, '/v1/tool-calls', { items: times.map((ts, i) => ({ sessionId: s.id, toolName: 'Read', durationMs: 10 + i, status: 'error', timestamp: ts })) });
  const policy = (await app.inject({ url: '/v1/retention/policy', headers: auth(app.keys.admin) })).json() as object;
  const put = await app.inject({ method: 'PUT', url: '/v1/retention/policy', headers: auth(app.keys.admin), payload: { ...policy, toolCallsDays: 7, rollupDays: 20 } });
  assert.equal(put.statusCode, 200);
  const run = await post(app, '/v1/retention/run', {});
  assert.equal((run.deleted as { toolCalls: number }).toolCalls, 2, 'raw rows older than 7 days');
  assert.equal(rollupCalls(app), 2, 'rollups older than 20 days');
  const from = Math.floor((now - 13 * DAY) / SLOT_MS) * SLOT_MS;
  const res = await app.inject({ url: `/v1/reports/tools?from=${from}&to=${now - 10 * DAY}`, headers: auth(app.keys.read) });
  assert.equal(res.json().source, 'rollup');
  assert.equal(res.json().rows[0].calls, 1, 'a range with no raw rows left still has its figures');
  assert.equal(res.json().rows[0].errorRate, 1);
});

test('devflow rollups rebuild and status', async (t) => {
  const app = await build(t);
  const env = { DEVFLOW_DB_PATH: join(app.dir, 'analytics.db') };
  const out: string[] = [];
  const io = { env, out: (l: string) => void out.push(l), err: (l: string) => void out.push(l) };
  assert.equal(await main(['rollups', 'status'], io), 0);
  assert.match(out.pop() ?? '', /not built/);
  assert.equal(await main(['rollups', 'rebuild'], io), 0);
  assert.match(out.pop() ?? '', /rollups rebuilt/);
  assert.equal(await main(['rollups', 'status', '--json'], io), 0);
  assert.equal(JSON.parse(out.pop() ?? '{}').built, true);
  assert.equal(await main(['rollups', 'nope'], io), 2);
  assert.equal(await main(['rollups', '--help'], io), 0);
});

test('an interrupted rebuild resumes where it stopped and ends with what a full rebuild makes', async (t) => {
  const app = await build(t);
  const now = Date.now();
  const s = await post(app, '/v1/sessions', { type: 'agent', project: 'web', startedAt: now - 5 * DAY });
  const items = Array.from({ length: 400 }, (_, i) => ({ sessionId: s.id, toolName: ['Bash', 'Read'][i % 2], durationMs: (i * 37) % 5000, status: i % 7 === 0 ? 'error' : 'success', timestamp: now - 4 * DAY + i * 800_000 }));
  await post(app, '/v1/tool-calls', { items });
  const dump = () => ({
    folded: (app.sqlite.settle(), true),
    slots: app.sqlite.db.$client.prepare('select * from tool_call_slot_rollups order by 1, 2, 3, 4').all(),
    summaries: app.sqlite.db.$client.prepare('select * from tool_call_summaries order by 1, 2, 3, 4').all(),
  });
  await app.services.rollups.rebuild();
  const full = dump();
  app.sqlite.db.$client.exec('delete from tool_call_slot_rollups; delete from tool_call_summaries; delete from tool_call_rollup_deltas');

  const controller = new AbortController();
  let slices = 0;
  await assert.rejects(
    app.services.rollups.rebuild({ signal: controller.signal, onSlice: () => void (++slices === 3 && controller.abort()) }),
    (err: unknown) => err instanceof RunAbortedError,
  );
  const stopped = await app.services.rollups.state();
  assert.ok(stopped.next !== null && stopped.end !== null && stopped.next < stopped.end, 'the cursor was saved');
  // Calls ingested while it was stopped land in what is already built or is built later.
  await post(app, '/v1/tool-calls', { items: [{ sessionId: s.id, toolName: 'Bash', durationMs: 1, status: 'success', timestamp: now - 4 * DAY + 1 }] });
  await app.services.rollups.rebuild({ resume: true });
  assert.equal((await app.services.rollups.state()).built, true);
  const resumed = dump();
  await app.services.rollups.rebuild();
  assert.deepEqual(resumed, dump(), 'resumed = a full rebuild over the same rows');
  assert.notDeepEqual(resumed, full, 'and it holds the call ingested in between');
});

test('DEVFLOW_ROLLUPS=false: ingest and deletes leave the rollups alone, reports read raw rows, and the next start with rollups rebuilds them', async (t) => {
  const first = await build(t);
  await first.services.rollups.rebuild();
  const dbPath = join(first.dir, 'analytics.db');
  await first.close();

  const off = await build(t, { dbPath, rollups: false });
  assert.equal((await off.services.rollups.state()).built, false, 'switched off: no longer trusted');
  const s = await post(off, '/v1/sessions', { type: 'agent' });
  const gone = await post(off, '/v1/sessions', { type: 'agent' });
  const at = Date.now() - 3_600_000;
  await post(off, '/v1/tool-calls', { items: [s, gone].map((x) => ({ sessionId: x.id, toolName: 'Bash', durationMs: 5, status: 'success', timestamp: at })) });
  assert.equal((await off.inject({ method: 'DELETE', url: `/v1/sessions/${gone.id as string}`, headers: auth(off.keys.admin) })).statusCode, 204);
  assert.equal(rollupCalls(off), 0, 'nothing maintained');
  const report = await off.inject({ url: '/v1/reports/tools', headers: auth(off.keys.read) });
  assert.equal(report.json().source, 'raw');
  assert.equal(report.json().rows[0].calls, 1);
  await off.close();

  // Back on, with the scheduler (and so the backfill) running as in production.
  const on = await build(t, { dbPath, scheduler: true, exactReportCalls: 0 });
  for (let i = 0; i < 500 && !(await on.services.rollups.state()).built; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await on.services.rollups.state()).built, true, 'the backfill rebuilt them');
  assert.equal(rollupCalls(on), 1);
  const rebuilt = await on.inject({ url: '/v1/reports/tools', headers: auth(on.keys.read) });
  assert.equal(rebuilt.json().source, 'rollup');
  assert.deepEqual(rebuilt.json().rows, report.json().rows);
});

test('summaries of an older layout (no half-past hours) answer alike until the backfill upgrades them at the next start', async (t) => {
  const first = await build(t, { exactReportCalls: 0 });
  await first.services.rollups.rebuild();
  const s = await post(first, '/v1/sessions', { type: 'agent', project: 'web' });
  const now = Date.now();
  const items = Array.from({ length: 300 }, (_, i) => ({ sessionId: s.id, toolName: ['Bash', 'Read'][i % 2], durationMs: (i * 53) % 3000, status: 'success', timestamp: now - 2 * DAY + i * 500_000 }));
  await post(first, '/v1/tool-calls', { items });
  const url = `/v1/reports/tools/timeseries?interval=hour&tz=Asia/Kolkata&from=${new Date(now - 2 * DAY).toISOString()}&to=${new Date(now).toISOString()}`;
  const current = (await first.inject({ url, headers: auth(first.keys.read) })).json();
  assert.equal(current.source, 'rollup');
  const summaries = (app: TestApp) => (app.sqlite.settle(), app.sqlite.db.$client.prepare('select * from tool_call_summaries order by 1, 2, 3, 4').all());
  const full = summaries(first);
  const halfPast = 'grain = 3600000 and slot_start % 3600000 != 0';
  assert.ok((first.sqlite.db.$client.prepare(`select count(*) as n from tool_call_summaries where ${halfPast}`).get() as { n: number }).n > 0, 'ingest writes half-past hours');

  // What an older version left: no half-past hours, layout 1.
  first.sqlite.db.$client.exec(`delete from tool_call_summaries where ${halfPast}; update settings set value = json_remove(value, '$.layout') where key = 'rollups.toolCalls'`);
  assert.equal((await first.services.rollups.needsUpgrade()), true);
  const older = (await first.inject({ url, headers: auth(first.keys.read) })).json();
  assert.equal(older.source, 'rollup');
  assert.deepEqual(older.rows, current.rows, 'the older layout answers alike');
  const dbPath = join(first.dir, 'analytics.db');
  await first.close();

  const next = await build(t, { dbPath, scheduler: true, exactReportCalls: 0 });
  for (let i = 0; i < 500 && (await next.services.rollups.needsUpgrade()); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await next.services.rollups.needsUpgrade()), false, 'the backfill upgraded them');
  assert.deepEqual(summaries(next), full, 'the upgrade writes what ingest keeps');
  const upgraded = (await next.inject({ url, headers: auth(next.keys.read) })).json();
  assert.deepEqual(upgraded.rows, current.rows);
});

test('open days keep only summaries of an hour or less; the scheduler folds the rest when they close, and reports answer alike before and after', async (t) => {
  const first = await build(t, { exactReportCalls: 0 });
  await first.services.rollups.rebuild();
  const now = Date.now();
  const openFrom = Math.floor((now - 3 * DAY) / DAY) * DAY;
  first.sqlite.db.$client.prepare("update settings set value = json_set(value, '$.closedBefore', ?) where key = 'rollups.toolCalls'").run(openFrom);
  const s = await post(first, '/v1/sessions', { type: 'agent', project: 'web' });
  const items = Array.from({ length: 200 }, (_, i) => ({ sessionId: s.id, toolName: ['Bash', 'Read'][i % 2], durationMs: (i * 71) % 4000, status: 'success', timestamp: now - 4 * DAY + i * 1_500_000 }));
  await post(first, '/v1/tool-calls', { items });
  const longRows = (app: TestApp) => (app.sqlite.settle(), app.sqlite.db.$client.prepare("select count(*) as n from tool_call_summaries where (grain > 3600000 or scope != '') and slot_start >= ?").get(openFrom) as { n: number }).n;
  assert.equal(longRows(first), 0);
  const urls = ['/v1/reports/tools', '/v1/reports/tools?project=web', `/v1/reports/tools/timeseries?interval=day&tz=America/New_York&from=${new Date(now - 5 * DAY).toISOString()}&to=${new Date(now).toISOString()}`];
  const answers = async (app: TestApp) => Promise.all(urls.map(async (url) => (await app.inject({ url, headers: auth(app.keys.read) })).json().rows as unknown));
  const before = await answers(first);
  const dbPath = join(first.dir, 'analytics.db');
  await first.close();

  const next = await build(t, { dbPath, scheduler: true, exactReportCalls: 0 });
  for (let i = 0; i < 1000 && ((await next.services.rollups.state()).closedBefore ?? 0) < openFrom + 2 * DAY; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(((await next.services.rollups.state()).closedBefore as number) >= openFrom + 2 * DAY, 'the scheduler closed the days that ended');
  assert.ok(longRows(next) > 0);
  assert.deepEqual(await answers(next), before);
});

test('a small report without profile or project is computed from raw rows (exact percentiles) while they hold every call; above DEVFLOW_EXACT_REPORT_CALLS from rollups', async (t) => {
  const small = await build(t, { exactReportCalls: 3 });
  await small.services.rollups.rebuild();
  const s = await post(small, '/v1/sessions', { type: 'agent', project: 'web' });
  const at = Date.now() - 3_600_000;
  // 1000 ms is not a histogram bucket's representative: exact only from raw rows.
  await post(small, '/v1/tool-calls', { items: [1000, 1000, 1000].map((d, i) => ({ sessionId: s.id, toolName: 'Bash', durationMs: d, status: 'success', timestamp: at + i })) });
  const exact = await small.inject({ url: '/v1/reports/tools', headers: auth(small.keys.read) });
  assert.equal(exact.json().source, 'raw');
  assert.equal(exact.json().rows[0].p50DurationMs, 1000);
  const series = await small.inject({ url: '/v1/reports/tools/timeseries', headers: auth(small.keys.read) });
  assert.equal(series.json().source, 'raw');
  // A project (or profile) filter would make raw rows read the whole range: rollups.
  const byProject = await small.inject({ url: '/v1/reports/tools?project=web', headers: auth(small.keys.read) });
  assert.equal(byProject.json().source, 'rollup');
  assert.equal(byProject.json().rows[0].calls, 3);
  await post(small, '/v1/tool-calls', { items: [{ sessionId: s.id, toolName: 'Bash', durationMs: 1000, status: 'success', timestamp: at + 9 }] });
  const rolled = await small.inject({ url: '/v1/reports/tools', headers: auth(small.keys.read) });
  assert.equal(rolled.json().source, 'rollup', 'four calls are above the limit of three');
  assert.equal(rolled.json().rows[0].calls, 4);
  assert.ok(Math.abs(rolled.json().rows[0].p50DurationMs - 1000) <= 10, 'within 1 %');
});

test('each group commit appends one row of deltas; they are folded after foldEveryMs inside a group, or when read, into what the rows add up to', async (t) => {
  const store = openTestStore(t, join(tempDir(t), 'deltas.db'), { foldEveryMs: 60_000 });
  const sql = store.sqlite.db.$client;
  await store.rollups.rebuild();
  const session = newId();
  sql.prepare("insert into sessions (id, type, status, project, started_at, updated_at, last_activity_at) values (?, 'agent', 'active', 'web', 0, 0, 0)").run(session);
  const slot = Math.floor(Date.now() / SLOT_MS) * SLOT_MS;
  const call = (toolName: string, durationMs: number, status: 'success' | 'error' = 'success') => ({ sessionId: session, toolName, durationMs, status, errorType: null, timestamp: slot + 1000 });
  const append = (calls: ReturnType<typeof call>[]) => store.toolCalls.append(calls, { allOrNothing: true });
  const count = (table: string) => sql.prepare(`select count(*) from ${table}`).pluck().get() as number;
  const slots = () => sql.prepare('select tool_name as tool, calls, errors, duration_sum as sum, duration_max as max from tool_call_slot_rollups order by 1').all();

  await Promise.all([append([call('Bash', 10), call('Read', 5)]), append([call('Bash', 30, 'error')])]);
  await append([call('Bash', 20)]);
  assert.equal(count('tool_call_rollup_deltas'), 2, 'one row per group commit');
  assert.equal(count('tool_call_slot_rollups'), 0, 'nothing folded yet');
  const report = await store.reports.tools({ from: slot, to: slot + SLOT_MS });
  assert.deepEqual(report.rows.map((r) => [r.toolName, r.calls]), [['Bash', 3], ['Read', 1]], 'a report folds them first');
  assert.equal(count('tool_call_rollup_deltas'), 0);
  assert.deepEqual(slots(), [{ tool: 'Bash', calls: 3, errors: 1, sum: 60, max: 30 }, { tool: 'Read', calls: 1, errors: 0, sum: 5, max: 5 }]);
});

test('with foldEveryMs 0 every group commit folds its own deltas', async (t) => {
  const store = openTestStore(t, join(tempDir(t), 'eager.db'), { foldEveryMs: 0 });
  const sql = store.sqlite.db.$client;
  await store.rollups.rebuild();
  sql.prepare("insert into profiles (id, name, created_at, updated_at) values (3, 'three', 0, 0)").run();
  const session = newId();
  sql.prepare("insert into sessions (id, profile_id, type, status, started_at, updated_at, last_activity_at) values (?, 3, 'agent', 'active', 0, 0, 0)").run(session);
  await store.toolCalls.append([{ sessionId: session, toolName: 'Edit', durationMs: 7, status: 'timeout', errorType: 'timeout', timestamp: Date.now() }], { allOrNothing: true });
  const rows = sql.prepare('select tool_name as tool, profile_id as profile, project, calls, timeouts from tool_call_slot_rollups').all();
  assert.deepEqual(rows, [{ tool: 'Edit', profile: 3, project: '', calls: 1, timeouts: 1 }]);
  assert.equal(sql.prepare('select count(*) from tool_call_rollup_deltas').pluck().get(), 0);
});
