import { once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from './client.js';

/**
 * WAL checkpoints from a worker thread while a long write job runs. A checkpoint copies pages
 * into the main file, fsyncs it and, after an incremental vacuum, truncates it; run by the
 * committing connection (wal_autocheckpoint) it stalled the only request thread ~15–60 ms
 * every ~1000 pages, and truncating a WAL grown to gigabytes held it 3 s at the end of a
 * 5M-row retention run. So while the job runs:
 *  - this connection's auto-checkpoint is off and the worker checkpoints PASSIVE (never
 *    blocking writers) every `intervalMs`;
 *  - the job calls `drain()` between slices when the WAL file passes `walLimitBytes`: the
 *    worker checkpoints until it has caught up (the job waits, requests are served), so the
 *    next write starts the WAL over and journal_size_limit trims it;
 *  - `stop({ truncate: true })` ends with a TRUNCATE checkpoint, also in the worker, once
 *    PASSIVE ones have caught up, so the moment it holds new writers back is short.
 */
const WORKER = `(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { default: Database } = await import(workerData.driver);
  const db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('busy_timeout = 50');
  const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const checkpoint = (mode) => db.pragma('wal_checkpoint(' + mode + ')')[0];
  const catchUp = (maxPasses) => {
    for (let i = 0; i < maxPasses; i++) {
      try {
        const r = checkpoint('PASSIVE');
        if (r.busy === 0 && r.log === r.checkpointed) return true;
      } catch { /* busy: retry */ }
      pause(2);
    }
    return false;
  };
  let timer;
  const tick = () => {
    try { checkpoint('PASSIVE'); } catch { /* busy: next tick */ }
    timer = setTimeout(tick, workerData.intervalMs);
  };
  parentPort.on('message', ({ type, truncate }) => {
    if (type === 'drain') {
      parentPort.postMessage({ type: 'drained', caughtUp: catchUp(500) });
      return;
    }
    clearTimeout(timer);
    let result = null;
    if (truncate) {
      const t0 = performance.now();
      try {
        catchUp(50);
        db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
        result = { busy: checkpoint('TRUNCATE').busy !== 0, ms: Math.round(performance.now() - t0) };
      } catch (err) {
        result = { busy: true, error: String(err && err.message) };
      }
    }
    db.close();
    parentPort.postMessage({ type: 'stopped', result });
    parentPort.close();
  });
  timer = setTimeout(tick, workerData.intervalMs);
})();`;

/** What the worker's final TRUNCATE checkpoint did; null when it did not run one. */
export type WalTruncation = { busy: boolean; ms?: number; error?: string } | null;

export type WalCheckpointer = {
  /** Lets the worker catch up when the WAL file is past the limit; resolves at once otherwise. */
  drainIfLarge(): Promise<void>;
  stop(options?: { truncate?: boolean }): Promise<WalTruncation>;
};

export function startWalCheckpointer(
  db: Db,
  path: string,
  { intervalMs = 100, busyTimeoutMs = 2000, walLimitBytes = 128 * 1024 * 1024 } = {},
): WalCheckpointer {
  const sqlite = db.$client;
  const mode = String(sqlite.pragma('journal_mode', { simple: true }));
  if (path === ':memory:' || mode !== 'wal') return { drainIfLarge: async () => undefined, stop: async () => null };
  const previous = Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));
  let failed = false;
  const restore = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${previous}`);
  };
  const driver = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, path, intervalMs, busyTimeoutMs } });
  const waiting: Array<(m: { type: string; result?: WalTruncation }) => void> = [];
  worker.on('message', (m: { type: string; result?: WalTruncation }) => waiting.shift()?.(m));
  // If the worker cannot run, the connection checkpoints by itself again.
  worker.on('error', () => {
    failed = true;
    restore();
  });
  const exited = once(worker, 'exit').then(() => {
    failed = true;
    for (const w of waiting.splice(0)) w({ type: 'exited' });
  });
  const ask = (message: object) =>
    new Promise<{ type: string; result?: WalTruncation }>((resolve) => {
      waiting.push(resolve);
      worker.postMessage(message);
    });
  const walFile = `${path}-wal`;
  sqlite.pragma('wal_autocheckpoint = 0');
  let stopping: Promise<WalTruncation> | null = null;
  return {
    async drainIfLarge() {
      if (failed || stopping || !existsSync(walFile) || statSync(walFile).size < walLimitBytes) return;
      await ask({ type: 'drain' });
    },
    stop({ truncate = false } = {}) {
      stopping ??= (async () => {
        const timer = setTimeout(() => void worker.terminate(), 30_000);
        const reply = failed ? null : await ask({ type: 'stop', truncate });
        await exited;
        clearTimeout(timer);
        restore();
        return reply?.result ?? null;
      })();
      return stopping;
    },
  };
}
