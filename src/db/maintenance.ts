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
 * fsyncs it (and, after an incremental vacuum, truncates the main file); run by the
 * committing connection (wal_autocheckpoint) it stalls the only request thread ~15–25 ms every
 * ~1000 pages written, and seconds when it truncates a file shrunk by a gigabyte. While a
 * retention run writes, the worker's own connection checkpoints PASSIVE (never blocking
 * writers) every `intervalMs`, and this connection's auto-checkpoint is off. On stop it can
 * finish with a TRUNCATE checkpoint, after PASSIVE ones have caught up so that the moment it
 * holds new writers back is short.
 */
const CHECKPOINT_WORKER = `(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { default: Database } = await import(workerData.driver);
  const db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('busy_timeout = 50');
  const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const checkpoint = (mode) => db.pragma('wal_checkpoint(' + mode + ')')[0];
  let timer;
  const tick = () => {
    try { checkpoint('PASSIVE'); } catch { /* busy: next tick */ }
    timer = setTimeout(tick, workerData.intervalMs);
  };
  parentPort.once('message', ({ truncate }) => {
    clearTimeout(timer);
    let result = null;
    if (truncate) {
      try {
        for (let i = 0; i < 50; i++) {
          const r = checkpoint('PASSIVE');
          if (r.busy === 0 && r.log === r.checkpointed) break;
          pause(10);
        }
        db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
        result = { busy: checkpoint('TRUNCATE').busy !== 0 };
      } catch (err) {
        result = { busy: true, error: String(err && err.message) };
      }
    }
    db.close();
    parentPort.postMessage(result);
    parentPort.close();
  });
  timer = setTimeout(tick, workerData.intervalMs);
})();`;

/** What the worker's final TRUNCATE checkpoint did; null when it did not run one. */
export type WalTruncation = { busy: boolean; error?: string } | null;
export type BackgroundCheckpoints = { stop(options?: { truncate?: boolean }): Promise<WalTruncation> };

export function startBackgroundCheckpoints(db: Db, path: string, intervalMs = 100, busyTimeoutMs = 2000): BackgroundCheckpoints {
  const sqlite = db.$client;
  const mode = String(sqlite.pragma('journal_mode', { simple: true }));
  if (path === ':memory:' || mode !== 'wal') return { stop: async () => null };
  const previous = Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));
  const restore = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${previous}`);
  };
  const driver = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
  const worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { driver, path, intervalMs, busyTimeoutMs } });
  let result: WalTruncation = null;
  worker.on('message', (m: WalTruncation) => {
    result = m;
  });
  // If the worker cannot run, the connection simply checkpoints by itself again.
  worker.on('error', restore);
  const exited = once(worker, 'exit');
  sqlite.pragma('wal_autocheckpoint = 0');
  let stopping: Promise<WalTruncation> | null = null;
  return {
    stop({ truncate = false } = {}) {
      stopping ??= (async () => {
        worker.postMessage({ truncate });
        const timer = setTimeout(() => void worker.terminate(), 30_000);
        await exited;
        clearTimeout(timer);
        restore();
        return result;
      })();
      return stopping;
    },
  };
}
