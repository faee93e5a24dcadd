import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db } from './client.js';

/**
 * Space reclamation for SQLite. The pragmas live here so services never spell them; every
 * step is small and synchronous, and the caller decides how many to run and when to yield.
 */

/** True when the file was created with auto_vacuum = INCREMENTAL (openDatabase does that). */
export function hasIncrementalVacuum(db: Db): boolean {
  return Number(db.$client.pragma('auto_vacuum', { simple: true })) === 2;
}

export function freePageCount(db: Db): number {
  return Number(db.$client.pragma('freelist_count', { simple: true }));
}

/** Pages in the database (as this connection sees it, the WAL included). */
export function pageCount(db: Db): number {
  return Number(db.$client.pragma('page_count', { simple: true }));
}

/**
 * Returns up to `pages` free pages to the file system, in one write transaction (BEGIN
 * IMMEDIATE, so another process's commit cannot invalidate our read of the free list).
 * `inside` runs first in that transaction (lease upkeep). Returns how many free pages remain.
 */
export function incrementalVacuumStep(db: Db, pages: number, inside?: () => void): number {
  const sqlite = db.$client;
  sqlite.prepare('BEGIN IMMEDIATE').run();
  try {
    inside?.();
    sqlite.pragma(`incremental_vacuum(${Math.max(1, Math.trunc(pages))})`);
    sqlite.prepare('COMMIT').run();
  } catch (err) {
    if (sqlite.inTransaction) sqlite.prepare('ROLLBACK').run();
    throw err;
  }
  return freePageCount(db);
}

/** Copies the WAL into the main file and truncates the WAL to zero bytes. */
export function checkpointTruncate(db: Db): { busy: boolean; logFrames: number; checkpointed: number } {
  const rows = db.$client.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
  const row = rows[0];
  return { busy: (row?.busy ?? 0) !== 0, logFrames: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
}

/** Rebuilds the whole file. Blocks every writer for its duration: only on explicit request. */
export function fullVacuum(db: Db): void {
  db.$client.exec('VACUUM');
}

/** Bytes available to this user on the file system that holds the database file. */
export function freeDiskBytes(path: string): number {
  const s = statfsSync(dirname(path));
  return Number(s.bavail) * Number(s.bsize);
}
