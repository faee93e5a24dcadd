import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { statementCache } from '../../../src/db/sqlite/reports/common.js';
import { toolsReport, toolsTimeseries, type ToolScope } from '../../../src/db/sqlite/reports/tools-raw.js';
import { toolsReportFromRollups, toolsTimeseriesFromRollups } from '../../../src/db/sqlite/reports/tools-rollup.js';
import type { TimeBucket, ToolsReportRow, ToolsTimeseriesCell } from '../../../src/db/store.js';
import { SLOT_MS } from '../../../src/lib/rollup-grains.js';
import { bucketsOf, resolveRange } from '../../../src/services/reports.js';
import { profileRef } from '../../../src/services/profiles.js';
import { auth, build, type TestApp } from '../../helper.js';
import { mulberry32 } from '../../support/prng.js';

/**
 * Issue 9, "Done when": for random datasets and random report parameters, the tool reports read
 * from rollups equal the same reports over raw rows (exact counts, sums, rates, averages, max;
 * percentiles within 1 %), with rollups kept by ingest and rebuilt by the backfill, and after
 * retention deleted raw rows inside the range (compared to the answers from before the delete).
 */

const DAY = 86_400_000;
const TOOLS = ['Bash', 'Read', 'Edit', 'mcp__github__search, issues', 'Ünïcode-😀', '=SUM(A1)'];
const ZONES = ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/New_York', 'Australia/Lord_Howe', 'Europe/Berlin'];
const PROJECTS = ['web', 'api', null];

type Params = { from: number; to: number; profile?: string; project?: string; tool?: string; tz: string; interval: 'hour' | 'day' };
type Answers = { tools: ToolsReportRow[]; series: ToolsTimeseriesCell[] };

/** The engine's scope for the parameters, as the reports service builds it; null when the profile is unknown (nothing matches). */
async function scopeOf(app: TestApp, p: Params): Promise<(ToolScope & { buckets: TimeBucket[] }) | null> {
  const range = resolveRange(p, Date.now());
  const scope: ToolScope & { buckets: TimeBucket[] } = { ...range, project: p.project, tool: p.tool, buckets: range.from === range.to ? [] : bucketsOf(p.tz, p.interval, range) };
  if (p.profile === undefined) return scope;
  const ref = profileRef(p.profile);
  const profile = ref ? await app.store.profiles.find(ref) : undefined;
  return profile ? { ...scope, profileId: profile.id } : null;
}



async function post(app: TestApp, url: string, body: unknown) {
  const res = await app.inject({ method: 'POST', url, headers: auth(app.keys.admin), payload: body as object });
  assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
}

/** Sessions over two profiles and three projects, then tool calls through the real ingest (with a re-sent batch). */
async function seed(app: TestApp, seedValue: number, start: number, span: number): Promise<string[]> {
  const rand = mulberry32(seedValue);
  await post(app, '/v1/profiles', { name: 'alpha' });
  await post(app, '/v1/profiles', { name: 'beta' });
  const sessions: string[] = [];
  for (let i = 0; i < 8; i++) {
    const profile = [undefined, 'alpha', 'beta'][i % 3];
    const project = PROJECTS[Math.floor(rand() * 3)];
    const s = await post(app, '/v1/sessions', { type: 'agent', startedAt: start - DAY, ...(profile ? { profile } : {}), ...(project ? { project } : {}) });
    sessions.push(s.id as string);
  }
  const duration = () => {
    const r = rand();
    if (r < 0.4) return Math.floor(rand() * 250);
    if (r < 0.95) return Math.floor(Math.exp(5 + rand() * 7));
    return Math.floor(rand() * 2 ** 40);
  };
  const batches: unknown[] = [];
  for (let b = 0; b < 8; b++) {
    const items = Array.from({ length: 150 }, () => {
      // Some calls exactly on a slot boundary or one ms before one.
      const raw = start + Math.floor(rand() * span);
      const t = rand() < 0.1 ? Math.floor(raw / SLOT_MS) * SLOT_MS - (rand() < 0.5 ? 1 : 0) : raw;
      const s = rand();
      return { id: randomUUID(), sessionId: sessions[Math.floor(rand() * sessions.length)], toolName: TOOLS[Math.floor(rand() * rand() * TOOLS.length)], durationMs: duration(), status: s < 0.8 ? 'success' : s < 0.92 ? 'error' : 'timeout', timestamp: t };
    });
    batches.push({ items });
  }
  for (const body of batches) await post(app, '/v1/tool-calls', body);
  const again = await post(app, '/v1/tool-calls', batches[0]);
  assert.equal(again.accepted, 0, 're-sent batch: duplicates only');
  return sessions;
}

/** The rollup path itself (the API reads it only where raw rows no longer reach). */
async function viaRollups(app: TestApp, p: Params): Promise<Answers> {
  // The reports service moves staged calls and folds the appended deltas before it reads; so does this direct reader.
  app.sqlite.settle();
  const scope = await scopeOf(app, p);
  if (!scope) return { tools: [], series: [] };
  const prepared = statementCache(app.sqlite.db);
  const oldest = (app.sqlite.db.$client.prepare('select min(timestamp) as t from tool_calls').get() as { t: number | null }).t;
  const rawFrom = oldest === null ? Number.POSITIVE_INFINITY : Math.floor(oldest / SLOT_MS) * SLOT_MS + SLOT_MS;
  const closedBefore = (await app.services.rollups.state()).closedBefore ?? Number.POSITIVE_INFINITY;
  const read = (offsetHours: boolean): Answers => ({
    tools: toolsReportFromRollups(prepared, scope, { rawFrom, offsetHours, closedBefore }),
    series: toolsTimeseriesFromRollups(prepared, scope, { rawFrom, offsetHours, closedBefore }),
  });
  const answers = read(true);
  // Other pieces, same merged figures: the older layout (no half-past hours) answers alike.
  assert.deepEqual(read(false), answers, 'with and without the half-past hour summaries');
  return answers;
}

async function viaRaw(app: TestApp, p: Params): Promise<Answers> {
  app.sqlite.settle();
  const scope = await scopeOf(app, p);
  if (!scope) return { tools: [], series: [] };
  const prepared = statementCache(app.sqlite.db);
  return { tools: toolsReport(prepared, scope), series: toolsTimeseries(prepared, scope) };
}

const PCT = new Set(['p50DurationMs', 'p95DurationMs', 'p99DurationMs']);

function assertSame(actual: Array<Record<string, unknown>>, expected: Array<Record<string, unknown>>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} rows, expected ${expected.length}`);
  expected.forEach((e, i) => {
    const a = actual[i] as Record<string, unknown>;
    for (const [k, v] of Object.entries(e)) {
      if (PCT.has(k) && typeof v === 'number') {
        assert.ok(Math.abs((a[k] as number) - v) <= 0.01 * v, `${what}[${i}].${k}: ${String(a[k])} vs exact ${v}`);
      } else assert.equal(a[k], v, `${what}[${i}].${k}`);
    }
  });
}

function compare(actual: Answers, expected: Answers, p: Params): void {
  const label = JSON.stringify(p);
  assertSame(actual.tools as unknown as Array<Record<string, unknown>>, expected.tools as unknown as Array<Record<string, unknown>>, `tools ${label}`);
  assertSame(actual.series as unknown as Array<Record<string, unknown>>, expected.series as unknown as Array<Record<string, unknown>>, `timeseries ${label}`);
}

/** A filter set one time in four (three filters set at once would mostly match nothing). */
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });

/** Report parameters over [start, start + span): slot-aligned, hour-aligned or arbitrary ends, any filters. */
function paramsArb(start: number, span: number): fc.Arbitrary<Params> {
  const instant = fc.tuple(fc.noBias(fc.integer({ min: -DAY / 4, max: span + DAY / 4 })), fc.constantFrom('ms', 'slot', 'hour')).map(([o, align]) => {
    const t = start + o;
    return align === 'ms' ? t : align === 'slot' ? Math.floor(t / SLOT_MS) * SLOT_MS : Math.floor(t / 3_600_000) * 3_600_000;
  });
  return fc
    .record({
      a: instant,
      b: instant,
      profile: rarely(fc.constantFrom('alpha', 'beta', '1', 'nobody')),
      project: rarely(fc.constantFrom('web', 'api', 'none')),
      tool: rarely(fc.constantFrom(...TOOLS, 'Unknown')),
      tz: fc.constantFrom(...ZONES),
      interval: fc.constantFrom<'hour' | 'day'>('hour', 'day'),
    })
    .map(({ a, b, ...rest }) => {
      const p: Params = { from: Math.min(a, b), to: Math.max(a, b), tz: rest.tz, interval: rest.interval };
      if (rest.profile !== undefined) p.profile = rest.profile;
      if (rest.project !== undefined) p.project = rest.project;
      if (rest.tool !== undefined) p.tool = rest.tool;
      return p;
    });
}

/** Both rollup levels, every appended delta folded in. */
const dump = (app: TestApp) => ({
  folded: (app.sqlite.settle(), true),
  slots: app.sqlite.db.$client.prepare('select * from tool_call_slot_rollups order by 1, 2, 3, 4').all(),
  summaries: app.sqlite.db.$client.prepare('select * from tool_call_summaries order by 1, 2, 3, 4').all(),
});

for (const seedValue of [1, 2]) {
  test(`property: rollup answers equal raw answers (dataset ${seedValue}), kept by ingest, rebuilt, and after raw retention`, { timeout: 240_000 }, async (t) => {
    const app = await build(t);
    const now = Date.now();
    const start = now - 4.5 * DAY;
    const span = 3.5 * DAY;
    await app.services.rollups.rebuild();
    assert.equal((await app.services.rollups.state()).built, true, 'an empty database is built at once');
    // Days from the middle of the data on are open: their summaries over a slot wait for closeDays.
    const openFrom = Math.floor((start + 1.5 * DAY) / DAY) * DAY;
    app.sqlite.db.$client.prepare("update settings set value = json_set(value, '$.closedBefore', ?) where key = 'rollups.toolCalls'").run(openFrom);
    const sessions = await seed(app, seedValue, start, span);
    const longOpen = () => (app.sqlite.settle(), app.sqlite.db.$client.prepare(`select count(*) as n from tool_call_summaries where (grain > ${SLOT_MS} or scope != '') and slot_start >= ?`).get(openFrom) as { n: number }).n;
    assert.equal(longOpen(), 0, "open days: the '' scope's slot summaries only");

    const params = paramsArb(start, span);
    await fc.assert(fc.asyncProperty(params, async (p) => compare(await viaRollups(app, p), await viaRaw(app, p), p)), { numRuns: 80, seed: seedValue });

    // Deleting a session, and a profile with its sessions, takes their calls out of the rollups.
    const del = await app.inject({ method: 'DELETE', url: `/v1/sessions/${sessions[0] as string}`, headers: auth(app.keys.admin) });
    assert.equal(del.statusCode, 204);
    const cascade = await app.inject({ method: 'DELETE', url: '/v1/profiles/beta?cascade=true', headers: auth(app.keys.admin) });
    assert.equal(cascade.statusCode, 204);
    await fc.assert(fc.asyncProperty(params, async (p) => compare(await viaRollups(app, p), await viaRaw(app, p), p)), { numRuns: 40, seed: seedValue + 50 });
    const open = dump(app);
    await app.services.rollups.rebuild();
    assert.deepEqual(dump(app), open, 'rebuilt rollups = rollups kept by ingest (open days included)');

    // Closing the open days folds their longer summaries; the answers stay the same.
    assert.ok((await app.services.rollups.closeDays()).days >= 2);
    assert.ok(longOpen() > 0, 'closed: their days down to half hours and profile and project days written');
    assert.ok(((await app.services.rollups.state()).closedBefore as number) > now - DAY - 11 * 60_000);
    await fc.assert(fc.asyncProperty(params, async (p) => compare(await viaRollups(app, p), await viaRaw(app, p), p)), { numRuns: 30, seed: seedValue + 70 });
    const kept = dump(app);

    // The backfill's SQL path builds exactly what ingest, the deletes and closing kept.
    await app.services.rollups.rebuild();
    assert.deepEqual(dump(app), kept, 'rebuilt rollups = rollups kept by ingest');

    // Retention deletes raw rows older than 3 days: answers stay those from before the delete
    // wherever the range's partial edge slots still have their raw rows.
    const samples = fc.sample(params, { numRuns: 60, seed: seedValue + 100 });
    const before = new Map<Params, Answers>();
    for (const p of samples) before.set(p, await viaRaw(app, p));
    const cutoff = now - 3 * DAY;
    const policy = await app.inject({ url: '/v1/retention/policy', headers: auth(app.keys.admin) });
    const put = await app.inject({ method: 'PUT', url: '/v1/retention/policy', headers: auth(app.keys.admin), payload: { ...(policy.json() as object), toolCallsDays: 3 } });
    assert.equal(put.statusCode, 200, put.body);
    const run = await post(app, '/v1/retention/run', {});
    assert.ok(((run.deleted as { toolCalls: number }).toolCalls) > 0, 'retention deleted raw rows');
    assert.deepEqual(dump(app), kept, 'raw retention leaves the rollups alone');
    let checked = 0;
    for (const p of samples) {
      const edgeKept = (x: number) => x % SLOT_MS === 0 || Math.floor(x / SLOT_MS) * SLOT_MS >= cutoff;
      if (!edgeKept(p.from) || !edgeKept(p.to)) continue;
      compare(await viaRollups(app, p), before.get(p) as Answers, p);
      checked += 1;
    }
    assert.ok(checked > 10, `compared ${checked} ranges after retention`);
  });
}

test('deleting a session takes its calls out of the rollups, max included; a session filter reads raw rows', async (t) => {
  const app = await build(t, { exactReportCalls: 0 });
  await app.services.rollups.rebuild();
  const s = await post(app, '/v1/sessions', { type: 'agent', project: 'web' });
  const other = await post(app, '/v1/sessions', { type: 'agent', project: 'web' });
  await post(app, '/v1/tool-calls', {
    items: [
      { sessionId: s.id, toolName: 'Bash', durationMs: 120_000, status: 'error', timestamp: Date.now() - 3_600_000 },
      { sessionId: other.id, toolName: 'Bash', durationMs: 80, status: 'success', timestamp: Date.now() - 3_600_000 },
    ],
  });
  const bySession = await app.inject({ url: `/v1/reports/tools?session=${s.id as string}`, headers: auth(app.keys.read) });
  assert.equal(bySession.json().source, 'raw');
  assert.equal(bySession.json().rows[0].calls, 1);
  const del = await app.inject({ method: 'DELETE', url: `/v1/sessions/${s.id as string}`, headers: auth(app.keys.admin) });
  assert.equal(del.statusCode, 204);
  for (const url of ['/v1/reports/tools', '/v1/reports/tools?project=web', `/v1/reports/tools?from=${Date.now() - 7_200_000}`]) {
    const after = await app.inject({ url, headers: auth(app.keys.read) });
    assert.equal(after.json().source, 'rollup');
    assert.deepEqual(
      after.json().rows.map((r: Record<string, unknown>) => [r.calls, r.errors, r.maxDurationMs, r.p99DurationMs]),
      [[1, 0, 80, 80]],
      `${url}: only the other session's call is left`,
    );
  }
  const rows = app.sqlite.db.$client.prepare('select count(*) as n from tool_call_slot_rollups where calls = 0').get() as { n: number };
  assert.equal(rows.n, 0, 'no emptied rows are left behind');
});
