import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config.js';
import { closeDatabase, openDatabase } from '../../src/db/sqlite/client.js';
import { runMigrations } from '../../src/db/sqlite/migrate.js';
import { callFields, makeId, type IdKind } from './data.js';

export type RawResult = {
  rows: number;
  seconds: number;
  rowsPerSec: number;
  /** Elapsed seconds each time another `every` rows were committed (to compare at equal table sizes). */
  checkpoints: Array<{ rows: number; seconds: number }>;
};

export type RawOptions = {
  path: string;
  rows: number;
  ids: IdKind;
  /** true: SQLite's default page cache (2 MB) instead of the service's. */
  defaultCache?: boolean;
  sessions: string[];
  perTransaction?: number;
  every?: number;
  /** Row number to start the deterministic mix at (top-ups continue a sequence). */
  offset?: number;
};

const INSERT = `insert into tool_calls (id, session_id, tool_name, duration_ms, status, error_type, timestamp)
  values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing`;

/**
 * The reference: better-sqlite3 with one prepared statement, `perTransaction` rows per
 * transaction, into the service's own schema (real migrations) with its own pragmas.
 */
export function rawInsert(options: RawOptions): RawResult {
  const { path, rows, sessions, perTransaction = 1000, every = 100_000, offset = 0 } = options;
  const db = openDatabase({ path, cacheSizeMiB: loadConfig({}).cacheSizeMiB });
  const sqlite = db.$client;
  runMigrations(db);
  if (options.defaultCache) sqlite.pragma('cache_size = -2000');
  const now = Date.now();
  const addSession = sqlite.prepare(
    "insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values (?, 'agent', 'active', ?, ?, ?) on conflict do nothing",
  );
  sqlite.transaction(() => {
    for (const id of sessions) addSession.run(id, now, now, now);
  })();
  const stmt = sqlite.prepare(INSERT);
  const id = makeId(options.ids);
  const insertChunk = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 1) {
      const f = callFields(offset + i, sessions);
      stmt.run(id(), f.sessionId, f.toolName, f.durationMs, f.status, f.errorType, Date.now());
    }
  });
  const checkpoints: RawResult['checkpoints'] = [];
  const started = performance.now();
  for (let done = 0; done < rows; ) {
    const next = Math.min(rows, done + perTransaction);
    insertChunk(done, next);
    done = next;
    if (done % every === 0 || done === rows) checkpoints.push({ rows: done, seconds: (performance.now() - started) / 1000 });
  }
  const seconds = (performance.now() - started) / 1000;
  closeDatabase(db);
  return { rows, seconds, rowsPerSec: rows / seconds, checkpoints };
}

/** Rate over the first `rows` rows, interpolated between checkpoints. */
export function rateAt(result: RawResult, rows: number): number {
  const points = [{ rows: 0, seconds: 0 }, ...result.checkpoints];
  for (let i = 1; i < points.length; i += 1) {
    const a = points[i - 1] as { rows: number; seconds: number };
    const b = points[i] as { rows: number; seconds: number };
    if (rows <= b.rows) {
      const seconds = a.seconds + ((rows - a.rows) / (b.rows - a.rows)) * (b.seconds - a.seconds);
      return rows / seconds;
    }
  }
  return result.rowsPerSec;
}
