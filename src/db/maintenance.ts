import { once } from 'node:events';
import { statfsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
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

/**
 * Checkpoints from a worker thread. A WAL checkpoint copies pages into the main file and
 * fsyncs it; run by the committing connection (wal_autocheckpoint) it stalls the only
 * request thread ~15–25 ms every ~1000 pages written, the tail of a long delete. While a
 * retention run writes, the worker's own connection checkpoints PASSIVE (never blocking
 * writers) every `intervalMs`, and this connection's auto-checkpoint is off.
 */
const CHECKPOINT_WORKER = `(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { default: Database } = await import(workerData.driver);
  const db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('busy_timeout = 50');
  let timer;
  const tick = () => {
    try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next tick */ }
    timer = setTimeout(tick, workerData.intervalMs);
  };
  parentPort.once('message', () => { clearTimeout(timer); db.close(); parentPort.close(); });
  timer = setTimeout(tick, workerData.intervalMs);
})();`;

export type BackgroundCheckpoints = { stop(): Promise<void> };

export function startBackgroundCheckpoints(db: Db, path: string, intervalMs = 100): BackgroundCheckpoints {
  const sqlite = db.$client;
  const mode = String(sqlite.pragma('journal_mode', { simple: true }));
  if (path === ':memory:' || mode !== 'wal') return { stop: async () => undefined };
  const previous = Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));
  const driver = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
  const worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { driver, path, intervalMs } });
  let exited = false;
  const exit = once(worker, 'exit').then(() => {
    exited = true;
  });
  // If the worker cannot run, the connection simply checkpoints by itself again.
  worker.on('error', () => sqlite.open && sqlite.pragma(`wal_autocheckpoint = ${previous}`));
  sqlite.pragma('wal_autocheckpoint = 0');
  return {
    async stop() {
      if (!exited) worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exit;
      clearTimeout(timer);
      if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${previous}`);
    },
  };
}
