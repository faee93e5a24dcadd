import { chmodSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { holdDatabaseLock } from './database-lock.js';
import { PRIVATE_FILE, replaceDurably } from './durable-files.js';

/** Called as pages or bytes are copied: how many bytes so far, of how many. */
export type CopyProgress = (doneBytes: number, totalBytes: number) => void;

/** The rows a copy holds, from the counts the database keeps (row_counts), so reading them costs nothing at any size. */
export type RowSummary = { toolCalls: number; sessions: number; profiles: number };

export type BackupResult = { bytes: number; seconds: number; rows: RowSummary | null };

/** Pages copied per step of the backup API: 4 MiB at the default page size, then the progress is told. */
const STEP_PAGES = 1024;

const hasTable = (sqlite: Database.Database, name: string) =>
  sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(name) !== undefined;

/** Row counts of a DevFlow database, or null for one too old to keep them (before migration 0019). */
export function rowSummary(sqlite: Database.Database): RowSummary | null {
  if (!hasTable(sqlite, 'row_counts')) return null;
  const kept = new Map((sqlite.prepare('select table_name as name, rows from row_counts').all() as Array<{ name: string; rows: number }>).map((r) => [r.name, r.rows]));
  // Calls committed but not yet moved out of the stage count too (the store moves them on its next turn).
  const staged = hasTable(sqlite, 'tool_call_stage') ? (sqlite.prepare('select count(*) from tool_call_stage').pluck().get() as number) : 0;
  return { toolCalls: (kept.get('tool_calls') ?? 0) + staged, sessions: kept.get('sessions') ?? 0, profiles: kept.get('profiles') ?? 0 };
}

/**
 * A consistent copy of the live database at target, while servers go on writing.
 *
 * SQLite's online backup API (better-sqlite3's `db.backup()`), not `VACUUM INTO`: it copies pages
 * in steps, so the command can show progress on a big file, and costs a page copy instead of
 * rebuilding every table and index. Its weak spot, a restart from the first page whenever another
 * connection commits between two steps (which under steady ingest may never end), is closed by
 * running every step inside one read transaction held on the source: in WAL mode that snapshot
 * does not block writers, and the copy is the database as it was when the backup began.
 *
 * The copy is written beside the target and renamed over it once complete (a half-written backup
 * never carries the target's name), as one self-contained file (rollback journal, no -wal) that
 * only its owner can read.
 */
export async function backupDatabase(options: { path: string; target: string; waitMs: number; onProgress?: CopyProgress; now?: () => number }): Promise<BackupResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const partial = `${options.target}.partial-${process.pid}`;
  // Shared, like a server: a restore cannot swap the file under the copy.
  const lock = holdDatabaseLock(options.path, options.waitMs);
  try {
    rmSync(partial, { force: true });
    await copyPages(options.path, partial, options.waitMs, options.onProgress);
    const rows = finishCopy(partial);
    replaceDurably(partial, options.target);
    return { bytes: statSync(options.target).size, seconds: (now() - started) / 1000, rows };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    lock.release();
  }
}

async function copyPages(path: string, to: string, waitMs: number, onProgress: CopyProgress | undefined): Promise<void> {
  const source = new Database(path, { fileMustExist: true });
  try {
    source.pragma(`busy_timeout = ${Math.trunc(waitMs)}`);
    const pageSize = Number(source.pragma('page_size', { simple: true }));
    source.exec('BEGIN');
    // The first read fixes the snapshot every step copies from.
    source.prepare('select count(*) from sqlite_master').get();
    const last = await source.backup(to, {
      progress({ totalPages, remainingPages }) {
        onProgress?.((totalPages - remainingPages) * pageSize, totalPages * pageSize);
        return STEP_PAGES;
      },
    });
    onProgress?.(last.totalPages * pageSize, last.totalPages * pageSize);
    source.exec('COMMIT');
  } finally {
    source.close();
  }
}

/** One file, no -wal beside it, private; answers the rows it holds. */
function finishCopy(file: string): RowSummary | null {
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    return rowSummary(copy);
  } finally {
    copy.close();
    chmodSync(file, PRIVATE_FILE);
  }
}
