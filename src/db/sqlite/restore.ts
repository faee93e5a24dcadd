import { chmodSync, createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { rowSummary, type CopyProgress, type RowSummary } from './backup.js';
import { lockExclusive } from './database-lock.js';
import { isBusy, isNotADatabase } from './errors.js';
import { PRIVATE_FILE, replaceDurably } from './durable-files.js';
import { migrationStatus, readJournal } from './migrate.js';
import { firstRejectedRow } from './restored-rows.js';

/** The file cannot be restored, or not now: the operator's to fix (exit 2). */
export class RestoreRefusedError extends Error {
  override name = 'RestoreRefusedError';
}

export type RestoreResult = {
  bytes: number;
  seconds: number;
  rows: RowSummary | null;
  /** Migrations this build will apply when the server next opens the restored file. */
  pendingMigrations: number;
  /** Where the database that was replaced was kept (null: there was none). */
  replaced: string | null;
};


/**
 * Replaces the database at path with the backup in file, while no DevFlow process has it open.
 *
 * Under the exclusive lock (database-lock.ts; a running server or command makes it fail at once):
 * the backup is copied beside the database, flushed, and checked there (integrity_check, and a
 * migrations table whose newest entry this build knows), so what is checked is what is installed;
 * the old file's write-ahead log is settled (see settleOld); then one rename puts the copy in place.
 * Until that rename the old database is intact; after it, the new one is whole. The database it
 * replaces is kept beside it (keepReplaced): a restore of the wrong file loses nothing.
 */
export async function restoreDatabase(options: { file: string; path: string; onProgress?: CopyProgress; now?: () => number }): Promise<RestoreResult> {
  const { file, path } = options;
  const now = options.now ?? Date.now;
  const started = now();
  if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) {
    throw new RestoreRefusedError(`${file} has a write-ahead log beside it (${file}-wal): restore a file made by devflow backup, or open it once with sqlite3 to fold the log in`);
  }
  const lock = lockExclusive(path);
  const partial = `${path}.restore-partial`;
  try {
    await copyFile(file, partial, options.onProgress);
    chmodSync(partial, PRIVATE_FILE);
    const checked = checkBackup(partial, file);
    settleOld(path);
    const replaced = keepReplaced(path, now());
    replaceDurably(partial, path);
    return { bytes: statSync(path).size, seconds: (now() - started) / 1000, ...checked, replaced };
  } finally {
    rmSync(partial, { force: true });
    lock.release();
  }
}

/**
 * Renames the database about to be replaced to `<db>.replaced-<time>` (its log already folded
 * in by settleOld, so the file alone is all of it): a rename in its own folder, free in time and
 * space, that the operator deletes once sure.
 */
function keepReplaced(path: string, at: number): string | null {
  if (!existsSync(path)) return null;
  const kept = `${path}.replaced-${new Date(at).toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, kept);
  return kept;
}

async function copyFile(from: string, to: string, onProgress: CopyProgress | undefined): Promise<void> {
  const total = statSync(from).size;
  let done = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      onProgress?.(done, total);
      callback(null, chunk);
    },
  });
  await pipeline(createReadStream(from, { highWaterMark: 4 << 20 }), counted, createWriteStream(to, { mode: PRIVATE_FILE }));
}

/** integrity_check is ok, it is a DevFlow database of this build's or an older version, and its rows fit. */
function checkBackup(copy: string, shownAs: string): Omit<RestoreResult, 'bytes' | 'seconds' | 'replaced'> {
  let db: Database.Database | undefined;
  try {
    db = new Database(copy, { fileMustExist: true });
    const problems = db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
    if (problems[0]?.integrity_check !== 'ok') {
      throw new RestoreRefusedError(`${shownAs} fails PRAGMA integrity_check: ${problems.slice(0, 3).map((p) => p.integrity_check).join('; ')}`);
    }
    const status = migrationStatus(db);
    if (status.applied === 0) throw new RestoreRefusedError(`${shownAs} is not a DevFlow database (it has no applied migrations)`);
    if (status.unknown) {
      const newest = readJournal().at(-1)?.tag ?? 'none';
      throw new RestoreRefusedError(`${shownAs} was written by a newer DevFlow: its schema has migrations this build does not know (this build's newest is ${newest}); restore it with that version`);
    }
    const rejected = status.pending.length === 0 ? firstRejectedRow(db) : null;
    if (rejected) throw new RestoreRefusedError(`${shownAs} holds a row this build cannot serve: ${rejected}`);
    // A backup in WAL mode leaves no log once closed: the file alone is the database.
    db.pragma('journal_mode = DELETE');
    return { rows: rowSummary(db), pendingMigrations: status.pending.length };
  } catch (err) {
    // Not SQLite at all, or damaged past reading: the file's fault. Anything else (a full disk) is not.
    if (isNotADatabase(err)) {
      throw new RestoreRefusedError(`${shownAs} is not a readable SQLite database (${(err as Error).message})`, { cause: err });
    }
    throw err;
  } finally {
    db?.close();
  }
}

/**
 * The old file's -wal and -shm must not outlive it: SQLite would replay that log into the new
 * file. Switching the old database to the rollback journal folds its log in and removes both,
 * and it fails (SQLITE_BUSY) if any other program still has the file open: then nothing is
 * replaced. A damaged old database (the usual reason for a restore) cannot be opened: nothing
 * of ours has it open (the exclusive lock), so its log files are removed.
 */
function settleOld(path: string): void {
  if (!existsSync(path)) return removeLogs(path);
  let old: Database.Database | undefined;
  try {
    old = new Database(path, { fileMustExist: true });
    old.pragma('busy_timeout = 0');
    old.pragma('journal_mode = DELETE');
  } catch (err) {
    if (isBusy(err)) {
      throw new RestoreRefusedError(`${path} is open in another program (its journal mode cannot change); close it first`);
    }
  } finally {
    old?.close();
  }
  removeLogs(path);
}

function removeLogs(path: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}
