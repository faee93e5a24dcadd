import { chmodSync, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from './client.js';
import { isBusy } from './errors.js';
import { PRIVATE_FILE } from './durable-files.js';

/**
 * Who has the database open, across processes, without a stale lock after a crash.
 *
 * Every process that opens the store (the server, `devflow` commands) holds a SHARED lock on a
 * small file beside the database for as long as it is open; `devflow restore` takes it EXCLUSIVE,
 * which fails at once while any holder is alive. The lock is SQLite's own file locking (fcntl
 * record locks on Unix, LockFileEx on Windows) on that file, kept by a read transaction left
 * open: the kernel drops it when the process ends however it ends (SIGKILL, a crash, a power
 * cut), so no lock outlives its holder, and several servers on one file (two-processes) share it.
 * A pid file would need a liveness check that a reused pid fools, and a container sharing the
 * volume sees other pids.
 */
export type DatabaseLock = { release(): void };

/** Some process has the database open: restore refuses. */
export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
}

const NO_LOCK: DatabaseLock = { release: () => undefined };

export function lockFileOf(path: string): string {
  return `${path}.lock`;
}


function lockConnection(path: string, waitMs: number): Database.Database {
  const file = lockFileOf(path);
  let conn: Database.Database;
  try {
    conn = new Database(file);
  } catch (err) {
    throw new Error(`cannot open the lock file ${file} beside the database: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (existsSync(file)) chmodSync(file, PRIVATE_FILE);
  conn.pragma(`busy_timeout = ${Math.max(0, Math.trunc(waitMs))}`);
  return conn;
}

/**
 * Takes the shared lock, waiting up to waitMs for a restore that holds it exclusive. Nothing to
 * lock for `:memory:`.
 */
export function holdDatabaseLock(path: string, waitMs: number): DatabaseLock {
  if (path === ':memory:') return NO_LOCK;
  const conn = lockConnection(path, waitMs);
  try {
    conn.exec('BEGIN');
    // The first read takes SHARED; the open transaction keeps it until the connection closes.
    conn.prepare('select count(*) from sqlite_master').get();
  } catch (err) {
    conn.close();
    if (isBusy(err)) throw new Error(`${path} is being restored (devflow restore holds ${lockFileOf(path)}); try again when it has finished`);
    throw err;
  }
  return { release: () => void (conn.open && conn.close()) };
}

/** Takes the lock exclusive without waiting, or throws DatabaseInUseError. */
export function lockExclusive(path: string): DatabaseLock {
  const conn = lockConnection(path, 0);
  try {
    conn.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    conn.close();
    if (isBusy(err)) throw new DatabaseInUseError(`${path} is open in a running DevFlow server or devflow command (it holds ${lockFileOf(path)}); stop it first`);
    throw err;
  }
  return {
    release() {
      if (!conn.open) return;
      conn.exec('ROLLBACK');
      conn.close();
    },
  };
}

/**
 * Opens the database under its shared lock. The lock comes first, so a restore cannot swap the
 * file between the open and the lock. Where the folder is not there yet, there is no file to swap
 * (restore refuses a missing folder): the open goes first, to create the folder the lock file
 * needs or to say clearly why it cannot.
 */
export function openUnderLock(path: string, waitMs: number, open: () => Db): { db: Db; lock: DatabaseLock } {
  const folderReady = path !== ':memory:' && existsSync(dirname(path)) && statSync(dirname(path)).isDirectory();
  let lock = folderReady ? holdDatabaseLock(path, waitMs) : undefined;
  let db: Db;
  try {
    db = open();
  } catch (err) {
    lock?.release();
    throw err;
  }
  try {
    lock ??= holdDatabaseLock(path, waitMs);
  } catch (err) {
    db.$client.close();
    throw err;
  }
  return { db, lock };
}
