import { chmodSync, existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { cannotOpenReason, DatabasePathError, ensureDatabaseFolder } from './database-folder.js';
import { isNotADatabase } from './errors.js';
import * as schema from './schema/index.js';
import { PRIVATE_FILE } from './durable-files.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export type Sqlite = Database.Database;

export type OpenOptions = {
  path: string;
  busyTimeoutMs?: number;
  cacheSizeMiB?: number;
  readonly?: boolean;
};


/**
 * The page cache per connection: ingest's working set (the newest pages of each index, the
 * sessions, the rollups) with room to spare. Not more: when a commit rebalanced a B-tree, SQLite
 * has renumbered pages through a temporary number past 1 GiB, and at commit it drops cached
 * pages past the end of a smaller file by scanning the whole cache: the larger the cache, the
 * longer every such commit (bench/RESULTS.md); reports read the same at 8 or 64 MiB (the file
 * stays in the OS's cache).
 */
export const DEFAULT_CACHE_MIB = 8;

/** Past this many bytes of frames the WAL checkpointer restarts the log (wal-checkpointer.ts). */
export const WAL_RESTART_BYTES = 64 * 1024 * 1024;
/** The WAL file keeps up to this much space when the log starts over (journal_size_limit). */
export const WAL_FILE_KEPT_BYTES = 4 * WAL_RESTART_BYTES;

/**
 * Opens the database with every pragma the service relies on. This is the only place that
 * knows them. auto_vacuum must be set before the first table exists, so it comes first.
 * A path that cannot hold the file throws DatabasePathError, which says where and why.
 */
/**
 * The first statement that reads the file finds out it is not a database (another program's
 * file, a damaged one): say which file and what to do, not only SQLite's "file is not a database".
 */
function notADatabaseSaysWhere(sqlite: Sqlite, path: string, first: () => unknown): void {
  try {
    first();
  } catch (err) {
    if (!isNotADatabase(err)) throw err;
    sqlite.close();
    throw new DatabasePathError(path, `it is not a SQLite database or it is damaged (${(err as Error).message}); point DEVFLOW_DB_PATH at another file, or put a backup in its place with \`devflow restore\``);
  }
}

export function openDatabase(options: OpenOptions): Db {
  const { path } = options;
  const inMemory = path === ':memory:';
  if (!inMemory && !options.readonly) ensureDatabaseFolder(path);
  const sqlite = openSqlite(path, options.readonly ?? false);
  sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  if (!options.readonly) {
    notADatabaseSaysWhere(sqlite, path, () => sqlite.pragma('auto_vacuum = INCREMENTAL'));
    sqlite.pragma('journal_mode = WAL');
  }
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`cache_size = ${-1024 * Math.trunc(options.cacheSizeMiB ?? DEFAULT_CACHE_MIB)}`);
  sqlite.pragma('temp_store = MEMORY');
  // Bounds the ANALYZE that PRAGMA optimize may run, so statistics stay fresh without a
  // full scan of a multi-gigabyte table on start (sampled statistics are enough for the planner).
  sqlite.pragma('analysis_limit = 1000');
  // What the WAL file is cut back to when the log starts over. Well above where the checkpointer
  // restarts it (WAL_RESTART_BYTES plus what arrives meanwhile), so under sustained ingest the
  // log is rewritten in place: cutting it back each time made every restart re-extend the file,
  // and extending a file zeroes and allocates each new page (~9 % of single-call ingest).
  sqlite.pragma(`journal_size_limit = ${WAL_FILE_KEPT_BYTES}`);
  if (!inMemory) restrictFileModes(path);
  return drizzle({ client: sqlite, schema }) as Db;
}

function openSqlite(path: string, readonly: boolean): Sqlite {
  try {
    return new Database(path, { readonly });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'SQLITE_CANTOPEN') throw err;
    throw new DatabasePathError(path, cannotOpenReason(path, (err as Error).message));
  }
}

/** Telemetry is private: the database and its WAL/SHM files are readable by the owner only. */
export function restrictFileModes(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, PRIVATE_FILE);
  }
}

/** Refreshes planner statistics cheaply (SQLite decides what needs analysing). */
export function optimize(db: Db): void {
  db.$client.pragma('optimize');
}

/**
 * A number that changes whenever another connection (another process, the CLI, a second
 * connection in this one) has committed since this connection last asked; this connection's
 * own commits leave it alone. It reads no page, so a per-request check is cheap.
 */
export function dataVersionReader(db: Db): () => number {
  const statement = db.$client.prepare('PRAGMA data_version').pluck();
  return () => statement.get() as number;
}

/** Checkpoints the WAL into the main file and truncates it, then closes. */
export function closeDatabase(db: Db): void {
  const sqlite = db.$client;
  if (!sqlite.open) return;
  try {
    sqlite.pragma('optimize');
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    sqlite.close();
  }
}

/** Runs fn in a BEGIN IMMEDIATE transaction: it takes the write lock up front, so a
 * read-then-write never fails with SQLITE_BUSY_SNAPSHOT when another process wrote. */
export function writeTransaction<T>(db: Db, fn: (tx: Db) => T): T {
  return db.transaction((tx) => fn(tx as unknown as Db), { behavior: 'immediate' });
}

export function databaseSizes(db: Db, path: string): { databaseBytes: number; walBytes: number; freePages: number; pageSize: number } {
  const sqlite = db.$client;
  const pageSize = Number(sqlite.pragma('page_size', { simple: true }));
  const pageCount = Number(sqlite.pragma('page_count', { simple: true }));
  const freePages = Number(sqlite.pragma('freelist_count', { simple: true }));
  const walBytes = path === ':memory:' ? 0 : statSize(`${path}-wal`);
  return { databaseBytes: pageSize * pageCount, walBytes, freePages, pageSize };
}

function statSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}
