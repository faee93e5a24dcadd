import { accessSync, constants, existsSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The database file cannot be used there: names the path and why (the caller names the setting). */
export class DatabasePathError extends Error {
  override name = 'DatabasePathError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} is not usable: ${reason}`);
  }
}

const FOLDER_MODE = 0o700;

/**
 * Makes sure the database file's folder exists, creating each missing folder once, top down,
 * with mode 0700. Node's recursive mkdirSync retries for ever where mkdir of a child fails with
 * ENOENT while its parent exists (procfs: /proc/x): this walk takes at most one step per path
 * segment. A path under a regular file, or a folder that cannot be made, is a DatabasePathError.
 */
export function ensureDatabaseFolder(path: string): void {
  const missing: string[] = [];
  let folder = dirname(resolve(path));
  for (;;) {
    const stats = statIfPresent(path, folder);
    if (stats) {
      if (!stats.isDirectory()) throw new DatabasePathError(path, `${folder} is a file, not a folder`);
      break;
    }
    missing.unshift(folder);
    const parent = dirname(folder);
    if (parent === folder) break; // the root itself is missing: mkdir below says why
    folder = parent;
  }
  for (const dir of missing) makeFolder(path, dir);
  const file = statIfPresent(path, resolve(path));
  if (file?.isDirectory()) throw new DatabasePathError(path, 'it is a folder; give the path of a file in it');
}

/** True when the database file is there (the read-only CLI commands refuse to create one). */
export function databaseFileExists(path: string): boolean {
  return path === ':memory:' || existsSync(path);
}

/**
 * Why SQLite could not open or create the file, as far as the file system tells: the folder is
 * not writable, the file is not readable, or SQLite's own words.
 */
export function cannotOpenReason(path: string, sqliteMessage: string): string {
  const folder = dirname(resolve(path));
  if (!existsSync(path) && !accessible(folder, constants.W_OK | constants.X_OK)) return `the folder ${folder} is not writable`;
  if (existsSync(path) && !accessible(path, constants.R_OK | constants.W_OK)) return 'the file is not readable and writable';
  return `SQLite cannot open it (${sqliteMessage})`;
}

function accessible(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** The folder's stats, or null when nothing is there (ENOTDIR: a file sits higher up the path). */
function statIfPresent(path: string, folder: string): Stats | null {
  try {
    return statSync(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new DatabasePathError(path, `cannot look at ${folder} (${errnoText(err)})`);
  }
}

function makeFolder(path: string, dir: string): void {
  try {
    mkdirSync(dir, { mode: FOLDER_MODE });
  } catch (err) {
    // Another process made it meanwhile: fine, as long as it is a folder.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statIfPresent(path, dir)?.isDirectory()) return;
    throw new DatabasePathError(path, `its folder ${dir} cannot be created (${errnoText(err)})`);
  }
}

/** "ENOENT: no such file or directory" out of Node's "ENOENT: no such file or directory, mkdir '/proc/x'". */
function errnoText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split(', ')[0] ?? message;
}
