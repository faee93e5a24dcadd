import { closeSync, existsSync, openSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A ballast file reserves disk space beside the database. In WAL mode, once SQLite hits
 * SQLITE_FULL even DELETE, checkpoint and VACUUM fail, so the service could not dig itself
 * out by retention alone; releasing the ballast gives it the room to do so.
 */
export function ballastPath(dbPath: string): string {
  return join(dirname(dbPath), '.devflow-ballast');
}

export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** Creates the ballast when absent and the disk can spare it (twice its size free). */
export function ensureBallast(dbPath: string, bytes: number): boolean {
  if (dbPath === ':memory:' || bytes <= 0) return false;
  const file = ballastPath(dbPath);
  if (existsSync(file)) return true;
  if (freeBytes(dirname(dbPath)) < 2 * bytes) return false;
  const chunk = Buffer.alloc(Math.min(bytes, 1024 * 1024));
  const fd = openSync(file, 'w', 0o600);
  try {
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
  } catch {
    closeSync(fd);
    unlinkSync(file);
    return false;
  }
  closeSync(fd);
  return true;
}

/** Deletes the ballast; true when there was one to release. */
export function releaseBallast(dbPath: string): boolean {
  if (dbPath === ':memory:') return false;
  const file = ballastPath(dbPath);
  if (!existsSync(file)) return false;
  unlinkSync(file);
  return true;
}
