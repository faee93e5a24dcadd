import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auth, build, type TestApp } from '../helper.js';
import { assertClose, expectedProductivity, expectedToolSeries, type Dataset } from './reports-fixture.js';

/**
 * Each event's local day, ISO week, month and hour in a zone, found by brute force from what
 * Intl prints (every local boundary of these zones lies on a 15-minute UTC grid): the bucket
 * starts at the first instant that prints the same label. Independent of src/lib/time-buckets.
 */
const QUARTER = 15 * 60_000;
const printers = new Map<string, Intl.DateTimeFormat>();
function label(tz: string, unit: 'hour' | 'day' | 'week' | 'month', t: number): string {
  let f = printers.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', weekday: 'short', timeZoneName: 'longOffset' });
    printers.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  if (unit === 'day') return date;
  if (unit === 'month') return date.slice(0, 7);
  if (unit === 'hour') return `${date}T${p.hour} ${p.timeZoneName}`;
  const dow = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(String(p.weekday));
  return new Date(Date.parse(`${date}T00:00:00Z`) - dow * 86_400_000).toISOString().slice(0, 10);
}
function oracle(tz: string, unit: 'hour' | 'day' | 'week' | 'month') {
  const cache = new Map<string, number>();
  return (t: number): number => {
    const l = label(tz, unit, t);
    const key = `${l}|${Math.floor(t / (40 * 86_400_000))}`;
    const known = cache.get(key);
    if (known !== undefined && known <= t) return known;
    let s = Math.floor(t / QUARTER) * QUARTER;
    while (label(tz, unit, s - QUARTER) === l) s -= QUARTER;
    cache.set(key, s);
    return s;
  };
}

/** Events and tool calls every 37 minutes across the window, plus one just before and at each local midnight. */
function seedInstants(app: TestApp, tz: string, from: number, to: number): Dataset {
  const day = oracle(tz, 'day');
  const times = new Set<number>();
  for (let t = from; t < to; t += 37 * 60_000) times.add(t);
  for (let t = from; t < to; t += 3_600_000) {
    const d = day(t);
    if (d > from) {
      times.add(d - 1);
      times.add(d);
    }
  }
  const sessionId = '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d';
  const db = app.sqlite.db.$client;
  db.prepare("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values (?, 'agent', 'active', ?, ?, ?)").run(sessionId, from, from, from);
  const data: Dataset = { profiles: [], sessions: [{ id: sessionId, profileId: null, type: 'agent', status: 'active', project: null, startedAt: from, endedAt: null, outputLines: 0, errorCount: 0, lastActivityAt: from }], toolCalls: [], events: [], usages: [] };
  const insertEvent = db.prepare('insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, improvement_percentage, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertCall = db.prepare("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (?, ?, ?, ?, ?, ?)");
  let i = 0;
  db.transaction(() => {
    for (const t of [...times].filter((x) => x >= from && x < to).sort((a, b) => a - b)) {
      i += 1;
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const eventType = i % 2 ? 'debugging' : 'review';
      insertEvent.run(id, sessionId, eventType, 100, i % 90, 100 - (i % 90), 100 - (i % 90), t);
      data.events.push({ id, sessionId, eventType, traditional: 100, actual: i % 90, timeSaved: 100 - (i % 90), improvement: 100 - (i % 90), createdAt: t });
      const status = i % 5 ? 'success' : 'error';
      insertCall.run(id, sessionId, 'Bash', (i * 7919) % 1000, status, t);
      data.toolCalls.push({ id, sessionId, toolName: 'Bash', durationMs: (i * 7919) % 1000, status, timestamp: t });
    }
  })();
  return data;
}

const CASES: Array<{ tz: string; from: string; to: string; why: string }> = [
  { tz: 'Asia/Kolkata', from: '2024-02-24T00:00:00Z', to: '2024-03-05T00:00:00Z', why: '+05:30 across a month end' },
  { tz: 'America/New_York', from: '2024-03-07T00:00:00Z', to: '2024-03-14T00:00:00Z', why: 'DST starts 2024-03-10' },
  { tz: 'America/New_York', from: '2024-10-29T00:00:00Z', to: '2024-11-07T00:00:00Z', why: 'DST ends 2024-11-03, across a month end' },
  { tz: 'Australia/Lord_Howe', from: '2024-04-03T00:00:00Z', to: '2024-04-11T00:00:00Z', why: '30-minute DST ends 2024-04-07' },
  { tz: 'Australia/Lord_Howe', from: '2024-09-28T00:00:00Z', to: '2024-10-09T00:00:00Z', why: '30-minute DST starts 2024-10-06, across a month end' },
];

for (const c of CASES) {
  test(`${c.tz} (${c.why}): every event in its local day, week and month; every call in its local day and hour`, async (t) => {
    const app = await build(t);
    const from = Date.parse(c.from);
    const to = Date.parse(c.to);
    const data = seedInstants(app, c.tz, from, to);
    const scope = { from, to };
    const get = async (path: string) => {
      const res = await app.inject({ url: `/v1/reports/${path}&tz=${encodeURIComponent(c.tz)}&from=${c.from}&to=${c.to}`, headers: auth(app.keys.read) });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { rows: unknown[]; totals?: unknown };
    };
    for (const unit of ['day', 'week', 'month'] as const) {
      const body = await get(`productivity?groupBy=${unit}`);
      const expected = expectedProductivity(data, scope, oracle(c.tz, unit));
      assertClose(body.rows, expected.rows, `productivity ${unit}`);
      assertClose(body.totals, expected.totals, `totals ${unit}`);
    }
    for (const unit of ['day', 'hour'] as const) {
      const body = await get(`tools/timeseries?interval=${unit}`);
      assertClose(body.rows, expectedToolSeries(data, scope, oracle(c.tz, unit)), `timeseries ${unit}`);
    }
  });
}

test('the default tz is UTC and a zone name is matched case-insensitively', async (t) => {
  const app = await build(t);
  const from = Date.parse('2024-03-09T00:00:00Z');
  const to = Date.parse('2024-03-12T00:00:00Z');
  seedInstants(app, 'UTC', from, to);
  const get = async (q: string) => (await app.inject({ url: `/v1/reports/productivity?from=${from}&to=${to}${q}`, headers: auth(app.keys.read) })).json();
  const periods = (await get('')).rows.map((r: { period: string }) => r.period);
  assert.deepEqual([...new Set(periods)], ['2024-03-09T00:00:00.000Z', '2024-03-10T00:00:00.000Z', '2024-03-11T00:00:00.000Z']);
  assert.deepEqual(await get('&tz=america/new_york'), await get('&tz=America/New_York'));
});
