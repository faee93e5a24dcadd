/**
 * A random dataset written straight into the database, and every report computed again from
 * it in plain JavaScript, independently of the service's SQL (issue 7, "Done when").
 */
import assert from 'node:assert/strict';
import type { TestApp } from '../helper.js';
import { mulberry32 } from '../support/prng.js';

export const DAY = 86_400_000;

/** Seeded random helpers for test data. */
export function prng(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T,
    uuid: () => {
      const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
    },
  };
}

export type Profile = { id: number; name: string };
export type Session = {
  id: string;
  profileId: number | null;
  type: string;
  status: string;
  project: string | null;
  startedAt: number;
  endedAt: number | null;
  outputLines: number;
  errorCount: number;
  lastActivityAt: number;
};
export type ToolCall = { id: string; sessionId: string; toolName: string; durationMs: number; status: string; timestamp: number };
export type Event = { id: string; sessionId: string; eventType: string; traditional: number; actual: number; timeSaved: number; improvement: number | null; createdAt: number };
export type Usage = { id: string; sessionId: string; featureName: string; featureCategory: string; startedAt: number; completedAt: number | null; success: boolean | null };
export type Dataset = { profiles: Profile[]; sessions: Session[]; toolCalls: ToolCall[]; events: Event[]; usages: Usage[] };

export const TOOLS = ['Bash', 'Read', 'Edit', '=HYPERLINK("http://x")', 'mcp__github__search, issues', '-rm', 'Grep'];
const TYPES = ['repl', 'test', 'watch', 'lint', 'agent', 'mcp'];
const STATUSES = ['active', 'completed', 'completed', 'failed', 'cancelled'];
const PROJECTS = ['web', 'api', null];
const EVENT_TYPES = ['code_generation', 'debugging', '@review'];
const FEATURES: Array<[string, string]> = [['editing', 'auto-refactor'], ['editing', 'rename'], ['search', 'semantic'], ['+misc', 'explain']];

export type SeedOptions = { seed: number; start: number; end: number; sessions?: number; toolCalls?: number; events?: number; usages?: number };

/** Writes a random dataset with times in [start, end) and returns it. */
export function seedDataset(app: TestApp, o: SeedOptions): Dataset {
  return app.sqlite.db.$client.transaction(() => seedRows(app, o))();
}

function seedRows(app: TestApp, o: SeedOptions): Dataset {
  const r = prng(o.seed);
  const db = app.sqlite.db.$client;
  const span = o.end - o.start;
  const profiles: Profile[] = [];
  for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
    const info = db.prepare('insert into profiles (name, created_at, updated_at) values (?, ?, ?)').run(name, o.start, o.start);
    profiles.push({ id: Number(info.lastInsertRowid), name });
  }
  const sessions: Session[] = [];
  const insertSession = db.prepare(
    `insert into sessions (id, profile_id, type, status, project, started_at, ended_at, output_lines, error_count, updated_at, last_activity_at)
     values (@id, @profileId, @type, @status, @project, @startedAt, @endedAt, @outputLines, @errorCount, @startedAt, @lastActivityAt)`,
  );
  for (let i = 0; i < (o.sessions ?? 80); i++) {
    const startedAt = o.start + r.int(0, span - 1);
    const status = r.pick(STATUSES);
    // Ties in durations on purpose: percentiles must pick the right rank among equals.
    const endedAt = status === 'active' ? null : startedAt + (r.next() < 0.2 ? 60_000 : r.int(0, 5 * 3_600_000));
    const s: Session = {
      id: r.uuid(),
      profileId: r.next() < 0.2 ? null : r.pick(profiles).id,
      type: r.pick(TYPES),
      status,
      project: r.pick(PROJECTS),
      startedAt,
      endedAt,
      outputLines: r.int(0, 500),
      errorCount: r.int(0, 6),
      lastActivityAt: (endedAt ?? startedAt) + r.int(0, 1000),
    };
    insertSession.run(s);
    sessions.push(s);
  }
  const toolCalls: ToolCall[] = [];
  const insertCall = db.prepare('insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (@id, @sessionId, @toolName, @durationMs, @status, @timestamp)');
  for (let i = 0; i < (o.toolCalls ?? 1500); i++) {
    const c: ToolCall = {
      id: r.uuid(),
      sessionId: r.pick(sessions).id,
      toolName: r.pick(TOOLS),
      durationMs: r.next() < 0.3 ? r.pick([0, 100, 250]) : r.int(0, 20_000),
      status: r.pick(['success', 'success', 'success', 'error', 'timeout']),
      timestamp: o.start + r.int(0, span - 1),
    };
    insertCall.run(c);
    toolCalls.push(c);
  }
  const events: Event[] = [];
  const insertEvent = db.prepare(
    `insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, improvement_percentage, created_at)
     values (@id, @sessionId, @eventType, @traditional, @actual, @timeSaved, @improvement, @createdAt)`,
  );
  for (let i = 0; i < (o.events ?? 400); i++) {
    const traditional = r.next() < 0.1 ? 0 : r.int(0, 7200) + r.next();
    const actual = r.int(0, 3600) + r.next();
    const e: Event = {
      id: r.uuid(),
      sessionId: r.pick(sessions).id,
      eventType: r.pick(EVENT_TYPES),
      traditional,
      actual,
      timeSaved: traditional - actual,
      improvement: traditional === 0 ? null : ((traditional - actual) / traditional) * 100,
      createdAt: o.start + r.int(0, span - 1),
    };
    insertEvent.run(e);
    events.push(e);
  }
  const usages: Usage[] = [];
  const insertUsage = db.prepare(
    `insert into feature_usage (id, session_id, feature_name, feature_category, started_at, completed_at, success)
     values (@id, @sessionId, @featureName, @featureCategory, @startedAt, @completedAt, @successInt)`,
  );
  for (let i = 0; i < (o.usages ?? 400); i++) {
    const [featureCategory, featureName] = r.pick(FEATURES);
    const startedAt = o.start + r.int(0, span - 1);
    const u: Usage = {
      id: r.uuid(),
      sessionId: r.pick(sessions).id,
      featureName,
      featureCategory,
      startedAt,
      completedAt: r.next() < 0.3 ? null : startedAt + r.int(0, 120_000),
      success: r.pick([true, false, null, true]),
    };
    insertUsage.run({ ...u, successInt: u.success === null ? null : Number(u.success) });
    usages.push(u);
  }
  return { profiles, sessions, toolCalls, events, usages };
}

/** Nearest rank: the ⌈p/100 × n⌉-th smallest (1-based). */
export function nearestRank(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.ceil((p * sorted.length) / 100) - 1] as number;
}

const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const groupBy = <T>(xs: T[], key: (x: T) => string) => {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
};
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export type Scope = { from: number; to: number; profileId?: number; project?: string; session?: string };

export function sessionMatches(s: Session, scope: Scope): boolean {
  return (scope.profileId === undefined || s.profileId === scope.profileId) && (scope.project === undefined || s.project === scope.project) && (scope.session === undefined || s.id === scope.session);
}

function childFilter(data: Dataset, scope: Scope) {
  const byId = new Map(data.sessions.map((s) => [s.id, s]));
  return (sessionId: string, at: number) => at >= scope.from && at < scope.to && sessionMatches(byId.get(sessionId) as Session, scope);
}

export function expectedSessions(data: Dataset, scope: Scope) {
  const rows = data.sessions.filter((s) => s.startedAt >= scope.from && s.startedAt < scope.to && sessionMatches(s, scope));
  return [...groupBy(rows, (s) => s.type)]
    .sort(([a], [b]) => cmp(a, b))
    .map(([type, xs]) => {
      const durations = xs.filter((s) => s.endedAt !== null).map((s) => ((s.endedAt as number) - s.startedAt) / 60_000).sort((a, b) => a - b);
      const n = (st: string) => xs.filter((s) => s.status === st).length;
      const errorCount = sum(xs.map((s) => s.errorCount));
      return {
        type,
        total: xs.length,
        active: n('active'),
        completed: n('completed'),
        failed: n('failed'),
        cancelled: n('cancelled'),
        successRate: ratio(n('completed'), xs.length - n('active')),
        avgDurationMinutes: mean(durations),
        p95DurationMinutes: nearestRank(durations, 95),
        errorCount,
        errorsPerSession: errorCount / xs.length,
        outputLines: sum(xs.map((s) => s.outputLines)),
      };
    });
}

export function expectedTools(data: Dataset, scope: Scope) {
  const keep = childFilter(data, scope);
  const rows = data.toolCalls.filter((c) => keep(c.sessionId, c.timestamp));
  return [...groupBy(rows, (c) => c.toolName)]
    .map(([toolName, xs]) => {
      const d = xs.map((c) => c.durationMs).sort((a, b) => a - b);
      const errors = xs.filter((c) => c.status === 'error').length;
      const timeouts = xs.filter((c) => c.status === 'timeout').length;
      return {
        toolName,
        calls: xs.length,
        errors,
        timeouts,
        errorRate: errors / xs.length,
        timeoutRate: timeouts / xs.length,
        avgDurationMs: mean(d),
        p50DurationMs: nearestRank(d, 50),
        p95DurationMs: nearestRank(d, 95),
        p99DurationMs: nearestRank(d, 99),
        maxDurationMs: d[d.length - 1] as number,
      };
    })
    .sort((a, b) => b.calls - a.calls || cmp(a.toolName, b.toolName));
}

export function expectedToolSeries(data: Dataset, scope: Scope, bucketOf: (t: number) => number) {
  const keep = childFilter(data, scope);
  const rows = data.toolCalls.filter((c) => keep(c.sessionId, c.timestamp));
  return [...groupBy(rows, (c) => `${bucketOf(c.timestamp)}|${c.toolName}`)]
    .map(([, xs]) => {
      const d = xs.map((c) => c.durationMs).sort((a, b) => a - b);
      const first = xs[0] as ToolCall;
      return {
        bucketStart: new Date(bucketOf(first.timestamp)).toISOString(),
        toolName: first.toolName,
        calls: xs.length,
        errors: xs.filter((c) => c.status === 'error').length,
        avgDurationMs: mean(d),
        p95DurationMs: nearestRank(d, 95),
      };
    })
    .sort((a, b) => cmp(a.bucketStart, b.bucketStart) || cmp(a.toolName, b.toolName));
}

export function expectedProductivity(data: Dataset, scope: Scope & { eventType?: string }, periodOf: (t: number) => number) {
  const keep = childFilter(data, scope);
  const rows = data.events.filter((e) => keep(e.sessionId, e.createdAt) && (scope.eventType === undefined || e.eventType === scope.eventType));
  const figures = (xs: Event[]) => {
    const improvements = xs.filter((e) => e.improvement !== null).map((e) => e.improvement as number);
    return { eventCount: xs.length, avgTimeSaved: mean(xs.map((e) => e.timeSaved)), avgImprovement: mean(improvements), totalTimeSaved: sum(xs.map((e) => e.timeSaved)) };
  };
  const grouped = [...groupBy(rows, (e) => `${periodOf(e.createdAt)}|${e.eventType}`)].map(([, xs]) => ({
    period: new Date(periodOf((xs[0] as Event).createdAt)).toISOString(),
    eventType: (xs[0] as Event).eventType,
    ...figures(xs),
  }));
  grouped.sort((a, b) => cmp(a.period, b.period) || cmp(a.eventType, b.eventType));
  return { rows: grouped, totals: figures(rows) };
}

export function expectedFeatures(data: Dataset, scope: Scope) {
  const keep = childFilter(data, scope);
  const rows = data.usages.filter((u) => keep(u.sessionId, u.startedAt));
  return [...groupBy(rows, (u) => `${u.featureCategory}|${u.featureName}`)]
    .map(([, xs]) => {
      const known = xs.filter((u) => u.success !== null);
      const done = xs.filter((u) => u.completedAt !== null);
      return {
        featureCategory: (xs[0] as Usage).featureCategory,
        featureName: (xs[0] as Usage).featureName,
        usageCount: xs.length,
        uniqueSessions: new Set(xs.map((u) => u.sessionId)).size,
        successRate: ratio(known.filter((u) => u.success).length, known.length),
        avgDurationSeconds: mean(done.map((u) => ((u.completedAt as number) - u.startedAt) / 1000)),
      };
    })
    .sort((a, b) => b.usageCount - a.usageCount || cmp(a.featureCategory, b.featureCategory) || cmp(a.featureName, b.featureName));
}

export function expectedProfiles(data: Dataset, scope: Scope) {
  const rows = data.sessions.filter((s) => s.profileId !== null && s.startedAt >= scope.from && s.startedAt < scope.to && sessionMatches(s, scope));
  return [...groupBy(rows, (s) => String(s.profileId))]
    .map(([id, xs]) => {
      const ended = xs.filter((s) => s.status !== 'active');
      return {
        profileId: Number(id),
        name: (data.profiles.find((p) => p.id === Number(id)) as Profile).name,
        sessions: xs.length,
        successRate: ratio(xs.filter((s) => s.status === 'completed').length, ended.length),
        totalMinutes: sum(xs.filter((s) => s.endedAt !== null).map((s) => ((s.endedAt as number) - s.startedAt) / 60_000)),
        errorsPerSession: sum(xs.map((s) => s.errorCount)) / xs.length,
        lastActiveAt: new Date(Math.max(...xs.map((s) => s.lastActivityAt))).toISOString(),
      };
    })
    .sort((a, b) => b.sessions - a.sessions || cmp(a.name, b.name));
}

/**
 * Deep equality where numbers may differ by 1e-9 relative: averages and rates. Counts and
 * percentiles are integers far below 1e9, so for them this is exact equality.
 */
export function assertClose(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(actual - expected) <= tolerance, `${path}: ${actual} != ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: not an array`);
    assert.equal(actual.length, expected.length, `${path}: length ${actual.length} != ${expected.length}`);
    expected.forEach((e, i) => assertClose(actual[i], e, `${path}/${i}`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: not an object`);
    assert.deepEqual(Object.keys(actual as object), Object.keys(expected), `${path}: keys`);
    for (const [k, v] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], v, `${path}/${k}`);
    return;
  }
  assert.equal(actual, expected, path);
}
