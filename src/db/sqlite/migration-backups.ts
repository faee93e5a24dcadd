import { chmodSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Sqlite } from './client.js';
import { PRIVATE_FILE, replaceDurably } from './durable-files.js';

export type MigrationBackupOptions = {
  /** How many of the newest backups before migrations to keep beside the file (0: write none). */
  keep: number;
  log?: { info: (obj: object, msg?: string) => void };
  now?: () => number;
};

/** Tables that hold what users put in: a database without a row in any of them has nothing to lose. */
const DATA_TABLES = ['profiles', 'sessions', 'api_keys'];

function holdsData(sqlite: Sqlite): boolean {
  return DATA_TABLES.some((table) => {
    const exists = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(table) !== undefined;
    return exists && sqlite.prepare(`select 1 from "${table}" limit 1`).get() !== undefined;
  });
}

/** `<db>.backup-2025-01-07T10-15-00-123Z-before-0029_tag`: sorts by time, says what it preceded. */
export function migrationBackupName(path: string, tag: string, at: number): string {
  return `${path}.backup-${new Date(at).toISOString().replace(/[:.]/g, '-')}-before-${tag}`;
}

const BACKUP_NAME = /^\.backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-before-[\w.-]+$/;

/** The backups before migrations of the database at path, oldest first. */
export function migrationBackups(path: string): string[] {
  const prefix = basename(path);
  return readdirSync(dirname(path))
    .filter((name) => name.startsWith(prefix) && BACKUP_NAME.test(name.slice(prefix.length)) && !name.endsWith('.partial'))
    .sort()
    .map((name) => join(dirname(path), name));
}

/** A copy being written is written to without pause; one untouched this long was left by a start that was killed. */
const STALE_PARTIAL_MS = 60_000;

/** Copies a killed start left half written (each try has its own name, so they would pile up). */
function removeStalePartials(path: string, now: number): void {
  const prefix = basename(path);
  for (const name of readdirSync(dirname(path))) {
    if (!name.startsWith(prefix) || !name.endsWith('.partial') || !BACKUP_NAME.test(name.slice(prefix.length, -'.partial'.length))) continue;
    const partial = join(dirname(path), name);
    const stats = statSync(partial);
    if (stats.isFile() && now - stats.mtimeMs > STALE_PARTIAL_MS) rmSync(partial, { force: true });
  }
}

/** The copy is about as large as the live pages: refuse before writing it rather than fill the disk half way. */
function assertRoomFor(sqlite: Sqlite, path: string): void {
  const pageSize = Number(sqlite.pragma('page_size', { simple: true }));
  const livePages = Number(sqlite.pragma('page_count', { simple: true })) - Number(sqlite.pragma('freelist_count', { simple: true }));
  const needed = livePages * pageSize;
  const { bavail, bsize } = statfsSync(dirname(path));
  const free = bavail * bsize;
  if (free < needed) throw new Error(`the copy needs about ${mib(needed)} and ${dirname(path)} has ${mib(free)} free`);
}

/** Removes what a failed copy left, if it is a file (never what else may sit under its name). */
function removeFile(path: string): void {
  try {
    if (statSync(path).isFile()) rmSync(path);
  } catch {
    // nothing there
  }
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/**
 * Before migrations change a database that holds data, a copy of it beside the file; the newest
 * `keep` are kept. `VACUUM INTO` because migrations run synchronously while the store opens and
 * it copies a consistent snapshot in one statement (other processes may go on writing), compacted,
 * so the copy costs no more disk than the live rows. None for `:memory:` or a database without data.
 */
export function writeMigrationBackup(sqlite: Sqlite, beforeTag: string, options: MigrationBackupOptions): string | null {
  const path = sqlite.name;
  if (options.keep <= 0 || path === ':memory:' || sqlite.memory || !holdsData(sqlite)) return null;
  const now = (options.now ?? Date.now)();
  removeStalePartials(path, now);
  const file = migrationBackupName(path, beforeTag, now);
  const partial = `${file}.partial`;
  try {
    assertRoomFor(sqlite, path);
    sqlite.prepare('VACUUM INTO ?').run(partial);
    chmodSync(partial, PRIVATE_FILE);
    replaceDurably(partial, file);
  } catch (err) {
    removeFile(partial);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot back up ${path} before migrating (${reason}); free disk space, or set DEVFLOW_BACKUPS_KEEP=0 to migrate without a backup`, { cause: err });
  }
  for (const old of migrationBackups(path).slice(0, -options.keep)) rmSync(old, { force: true });
  options.log?.info({ backup: file, bytes: statSync(file).size, before: beforeTag }, `database backed up to ${file} before migrating`);
  return file;
}
