/**
 * Generates the report benchmark's dataset into a SQLite file, through the service's own
 * migrations and pragmas: 200 profiles, 50k sessions, 1M tool calls (40 tools),
 * 100k productivity events and 100k feature usage records over the last 90 days.
 * Prepared statements, one transaction per 100k rows, ids UUID v7 of each row's own time.
 *
 *   node --import tsx bench/dataset.ts [file]        (default bench/.tmp/reports.db)
 *   BENCH_TOOL_CALLS=10000000 … to scale
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import { closeDatabase, openDatabase } from '../src/db/sqlite/client.js';
import { runMigrations } from '../src/db/sqlite/migrate.js';
import { mulberry32 } from '../test/support/prng.js';

const DAY = 86_400_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_DATASET = join(ROOT, 'bench/.tmp/reports.db');

export type DatasetSize = { profiles: number; sessions: number; toolCalls: number; productivityEvents: number; featureUsage: number; days: number };

export const DEFAULT_SIZE: DatasetSize = {
  profiles: Number(process.env.BENCH_PROFILES ?? 200),
  sessions: Number(process.env.BENCH_SESSIONS ?? 50_000),
  toolCalls: Number(process.env.BENCH_TOOL_CALLS ?? 1_000_000),
  productivityEvents: Number(process.env.BENCH_PRODUCTIVITY_EVENTS ?? 100_000),
  featureUsage: Number(process.env.BENCH_FEATURE_USAGE ?? 100_000),
  days: 90,
};

const TOOLS = Array.from({ length: 40 }, (_, i) =>
  i < 12 ? ['Read', 'Edit', 'Write', 'Bash', 'Grep', 'Glob', 'WebFetch', 'WebSearch', 'TodoWrite', 'Task', 'NotebookEdit', 'MultiEdit'][i] as string : `mcp__server${i % 7}__tool${i}`,
);
const TYPES = ['repl', 'profile', 'test', 'watch', 'lint', 'typecheck', 'mcp', 'agent'];
const EVENT_TYPES = ['code_generation', 'debugging', 'refactoring', 'code_review', 'documentation', 'testing'];
const FEATURES = Array.from({ length: 30 }, (_, i) => ({ category: ['editing', 'search', 'navigation', 'ai', 'git'][i % 5] as string, name: `feature-${i}` }));


/** `n` sorted times spread over [start, end), so rows are inserted in time order like real ingest. */
function* sortedTimes(n: number, start: number, end: number, rand: () => number): Generator<number> {
  const step = (end - start) / n;
  for (let i = 0; i < n; i++) yield Math.floor(start + (i + rand()) * step);
}

export function generateDataset(file: string, size: DatasetSize = DEFAULT_SIZE, end = Math.floor(Date.now() / 60_000) * 60_000): { seconds: number; end: number } {
  const t0 = performance.now();
  mkdirSync(dirname(file), { recursive: true });
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) rmSync(f);
  const db = openDatabase({ path: file, cacheSizeMiB: 256 });
  runMigrations(db);
  const sqlite = db.$client;
  const rand = mulberry32(20261123);
  const start = end - size.days * DAY;
  const inChunks = (n: number, fn: (i: number) => void) => {
    for (let from = 0; from < n; from += 100_000) sqlite.transaction(() => { for (let i = from; i < Math.min(n, from + 100_000); i++) fn(i); })();
  };

  const insertProfile = sqlite.prepare('insert into profiles (name, description, created_at, updated_at) values (?, ?, ?, ?)');
  inChunks(size.profiles, (i) => insertProfile.run(`profile-${String(i).padStart(3, '0')}`, `bench profile ${i}`, start, start));

  const sessionIds: string[] = [];
  const sessionStarts: number[] = [];
  const insertSession = sqlite.prepare(
    `insert into sessions (id, profile_id, type, status, project, started_at, ended_at, exit_code, output_lines, error_count, updated_at, last_activity_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const times = sortedTimes(size.sessions, start, end, rand);
  inChunks(size.sessions, () => {
    const startedAt = times.next().value as number;
    const r = rand();
    const recent = end - startedAt < 2 * 3_600_000;
    const status = recent || r < 0.03 ? 'active' : r < 0.75 ? 'completed' : r < 0.9 ? 'failed' : 'cancelled';
    const endedAt = status === 'active' ? null : Math.min(end, startedAt + Math.floor(-Math.log(1 - rand()) * 20 * 60_000));
    const id = uuidv7({ msecs: startedAt });
    const profileId = rand() < 0.9 ? 1 + Math.floor(rand() * rand() * size.profiles) : null;
    insertSession.run(
      id, profileId, TYPES[Math.floor(rand() * TYPES.length)], status, `project-${Math.floor(rand() * 20)}`, startedAt, endedAt,
      status === 'completed' ? 0 : status === 'failed' ? 1 : null, Math.floor(rand() * 2000), Math.floor(rand() * rand() * 10), endedAt ?? startedAt, endedAt ?? startedAt,
    );
    sessionIds.push(id);
    sessionStarts.push(startedAt);
  });

  // A child row belongs to a session that started shortly before it (sessions are in time order).
  const sessionFor = (t: number) => {
    let lo = 0;
    let hi = sessionStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((sessionStarts[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    return sessionIds[Math.max(0, lo - Math.floor(rand() * 20))] as string;
  };

  const insertCall = sqlite.prepare('insert into tool_calls (id, session_id, tool_name, duration_ms, status, error_type, timestamp) values (?, ?, ?, ?, ?, ?, ?)');
  const callTimes = sortedTimes(size.toolCalls, start, end, rand);
  inChunks(size.toolCalls, () => {
    const ts = callTimes.next().value as number;
    const r = rand();
    const status = r < 0.85 ? 'success' : r < 0.95 ? 'error' : 'timeout';
    // Skewed: a few tools take most calls, like real agents; log-normal-ish durations.
    const tool = TOOLS[Math.floor(rand() * rand() * TOOLS.length)] as string;
    const duration = Math.min(600_000, Math.floor(Math.exp(4 + rand() * 4 + rand() * 2)));
    insertCall.run(uuidv7({ msecs: ts }), sessionFor(ts), tool, duration, status, status === 'success' ? null : status === 'error' ? 'tool_error' : 'timeout', ts);
  });

  const insertEvent = sqlite.prepare(
    `insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, improvement_percentage, context_data, user_satisfaction, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const eventTimes = sortedTimes(size.productivityEvents, start, end, rand);
  inChunks(size.productivityEvents, () => {
    const at = eventTimes.next().value as number;
    const traditional = rand() < 0.02 ? 0 : Math.floor(rand() * 7200);
    const actual = Math.floor(rand() * 3600);
    const saved = traditional - actual;
    insertEvent.run(uuidv7({ msecs: at }), sessionFor(at), EVENT_TYPES[Math.floor(rand() * EVENT_TYPES.length)], traditional, actual, saved,
      traditional === 0 ? null : (saved / traditional) * 100, rand() < 0.5 ? '{"language":"typescript"}' : null, rand() < 0.5 ? 1 + Math.floor(rand() * 5) : null, at);
  });

  const insertUsage = sqlite.prepare(
    'insert into feature_usage (id, session_id, feature_name, feature_category, started_at, completed_at, success, error_message) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const usageTimes = sortedTimes(size.featureUsage, start, end, rand);
  inChunks(size.featureUsage, () => {
    const at = usageTimes.next().value as number;
    const f = FEATURES[Math.floor(rand() * rand() * FEATURES.length)] as (typeof FEATURES)[number];
    const done = rand() < 0.8;
    const success = done ? (rand() < 0.9 ? 1 : 0) : null;
    insertUsage.run(uuidv7({ msecs: at }), sessionFor(at), f.name, f.category, at, done ? at + Math.floor(rand() * 60_000) : null, success, success === 0 ? 'failed' : null);
  });

  // Keep the service's invariants: exact toolCallCount, last activity.
  sqlite.exec(`update sessions set
    tool_call_count = (select count(*) from tool_calls t where t.session_id = sessions.id),
    last_activity_at = max(last_activity_at, coalesce((select max(timestamp) from tool_calls t where t.session_id = sessions.id), 0))`);
  sqlite.exec('analyze');
  closeDatabase(db);
  return { seconds: (performance.now() - t0) / 1000, end };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2] ?? DEFAULT_DATASET;
  const { seconds } = generateDataset(file);
  process.stdout.write(`${file}: ${JSON.stringify(DEFAULT_SIZE)} in ${seconds.toFixed(1)} s\n`);
}
