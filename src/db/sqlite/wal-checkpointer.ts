import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WAL_RESTART_BYTES, type Db, type Sqlite } from './client.js';

/**
 * WAL checkpoints from a worker thread. A checkpoint copies pages into the main file and
 * fsyncs it (3–35 ms on this disk); run by the committing connection (wal_autocheckpoint) it
 * stalled the only request thread every ~1000 pages, and every request of that group commit
 * waited for it. So while a checkpointer runs:
 *  - this connection's auto-checkpoint is off and the worker checkpoints PASSIVE (never
 *    blocking writers) every `intervalMs`;
 *  - the WAL stays bounded: under continuous writes a PASSIVE checkpoint never finds the WAL
 *    fully copied when a write starts, so it would never start over. When the WAL holds more
 *    than `walLimitBytes` of frames the worker checkpoints RESTART, which holds writers back
 *    only for the frames of the last interval (PASSIVE copied the rest) and one fsync, at
 *    most its 50 ms busy timeout longer; the next write starts the WAL over and
 *    journal_size_limit trims the file;
 *  - a long job calls `drainIfLarge(bytes)` between slices: when the log holds more than that
 *    (as the worker last saw it; default `walLimitBytes`) the worker checkpoints until it has
 *    caught up (the job waits, requests are served), so the WAL it leaves stays small and no
 *    checkpoint that holds writers back has much to copy;
 *  - `stop({ truncate: true })` ends with a TRUNCATE checkpoint, also in the worker, once
 *    PASSIVE ones have caught up, so the moment it holds new writers back is short.
 * One worker serves a connection however many users start it (the app for its lifetime,
 * retention for a run); it stops, and the connection checkpoints by itself again, when the
 * last one stops.
 */
const WORKER = `(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { default: Database } = await import(workerData.driver);
  // Background upkeep yields the CPU to the request thread when they compete. On Linux a
  // thread's nice value is its own (elsewhere it would lower the whole process: left alone).
  if (process.platform === 'linux') {
    try {
      (await import('node:os')).setPriority(workerData.nice);
    } catch { /* not allowed: run at the process's priority */ }
  }
  const db = new Database(workerData.path, { fileMustExist: true });
  const BUSY_MS = 50;
  db.pragma('busy_timeout = ' + BUSY_MS);
  const frameBytes = Number(db.pragma('page_size', { simple: true })) + 24;
  const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  // The log's length in frames as last seen, for drainIfLarge() on the connection's thread.
  const frames = new Int32Array(workerData.frames);
  const checkpoint = (mode) => {
    const r = db.pragma('wal_checkpoint(' + mode + ')')[0];
    Atomics.store(frames, 0, Math.max(0, r.log));
    return r;
  };
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
  let restartedAt = -1;
  const tick = () => {
    try {
      const r = checkpoint('PASSIVE');
      // The frame count starts over only when a writer comes after a RESTART: no second one meanwhile.
      if (r.log * frameBytes >= workerData.walLimitBytes && r.log !== restartedAt) {
        const restart = checkpoint('RESTART');
        if (restart.busy === 0) restartedAt = restart.log;
      }
    } catch { /* busy: next tick */ }
    timer = setTimeout(tick, workerData.intervalMs);
  };
  parentPort.on('message', ({ type }) => {
    if (type === 'drain') {
      parentPort.postMessage({ type: 'drained', caughtUp: catchUp(500) });
      return;
    }
    if (type === 'truncate') {
      const t0 = performance.now();
      let result;
      try {
        catchUp(50);
        db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
        result = { busy: checkpoint('TRUNCATE').busy !== 0, ms: Math.round(performance.now() - t0) };
      } catch (err) {
        result = { busy: true, error: String(err && err.message) };
      } finally {
        db.pragma('busy_timeout = ' + BUSY_MS);
      }
      parentPort.postMessage({ type: 'truncated', result });
      return;
    }
    clearTimeout(timer);
    db.close();
    parentPort.postMessage({ type: 'stopped' });
    parentPort.close();
  });
  timer = setTimeout(tick, workerData.intervalMs);
})();`;

/**
 * The checkpointer thread's nice value (Linux): it needs ~3 µs of CPU per single-call ingest and
 * competes with the request thread and, in the benchmark, the load generator on two cores.
 * Interleaved A/B, 8 rounds each: 50–55 % of the no-op at nice 10; at 0 the same median but two
 * rounds fell to 41–43 % with the server's CPU per call up from ~50 to ~68 µs.
 */
export const CHECKPOINTER_NICE = 10;

/** What the worker's final TRUNCATE checkpoint did; null when it did not run one. */
export type WalTruncation = { busy: boolean; ms?: number; error?: string } | null;

export type WalCheckpointer = {
  /** Lets the worker catch up when the log holds more than `bytes` of frames (true); resolves at once otherwise (false). */
  drainIfLarge(bytes?: number): Promise<boolean>;
  /** This user is done; with truncate, the WAL is checkpointed and truncated first (by the worker). */
  stop(options?: { truncate?: boolean }): Promise<WalTruncation>;
};

type Reply = { type: string; result?: WalTruncation };

type Shared = {
  users: number;
  failed: boolean;
  ask(message: object): Promise<Reply>;
  /** Bytes of frames in the log when the worker last checkpointed. */
  logBytes(): number;
  walLimitBytes: number;
  shutdown(): Promise<void>;
};

const running = new WeakMap<Sqlite, Shared>();

const idle: WalCheckpointer = { drainIfLarge: async () => false, stop: async () => null };

export function startWalCheckpointer(
  db: Db,
  path: string,
  { intervalMs = 100, busyTimeoutMs = 2000, walLimitBytes = WAL_RESTART_BYTES } = {},
): WalCheckpointer {
  const sqlite = db.$client;
  if (path === ':memory:' || String(sqlite.pragma('journal_mode', { simple: true })) !== 'wal') return idle;
  let shared = running.get(sqlite);
  if (!shared || shared.failed) {
    shared = spawn(sqlite, path, { intervalMs, busyTimeoutMs, walLimitBytes });
    running.set(sqlite, shared);
  }
  const worker = shared;
  worker.users += 1;
  let stopping: Promise<WalTruncation> | null = null;
  return {
    async drainIfLarge(bytes = worker.walLimitBytes) {
      if (worker.failed || stopping || worker.logBytes() < bytes) return false;
      await worker.ask({ type: 'drain' });
      return true;
    },
    stop({ truncate = false } = {}) {
      stopping ??= (async () => {
        const reply = truncate && !worker.failed ? await worker.ask({ type: 'truncate' }) : null;
        worker.users -= 1;
        if (worker.users === 0) {
          if (running.get(sqlite) === worker) running.delete(sqlite);
          await worker.shutdown();
        }
        return reply?.result ?? null;
      })();
      return stopping;
    },
  };
}

function spawn(sqlite: Sqlite, path: string, options: { intervalMs: number; busyTimeoutMs: number; walLimitBytes: number }): Shared {
  const previous = Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));
  const restore = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${previous}`);
  };
  const driver = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
  const frames = new SharedArrayBuffer(4);
  const frameBytes = Number(sqlite.pragma('page_size', { simple: true })) + 24;
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, path, frames, nice: CHECKPOINTER_NICE, ...options } });
  const waiting: Array<(m: Reply) => void> = [];
  worker.on('message', (m: Reply) => {
    waiting.shift()?.(m);
    if (waiting.length === 0) worker.unref();
  });
  const shared: Shared = {
    users: 0,
    failed: false,
    logBytes: () => Atomics.load(new Int32Array(frames), 0) * frameBytes,
    walLimitBytes: options.walLimitBytes,
    ask: (message) =>
      new Promise<Reply>((resolve) => {
        if (shared.failed) return resolve({ type: 'exited' });
        waiting.push(resolve);
        worker.ref();
        worker.postMessage(message);
      }),
    async shutdown() {
      const timer = setTimeout(() => void worker.terminate(), 30_000);
      if (!shared.failed) await shared.ask({ type: 'stop' });
      await exited;
      clearTimeout(timer);
      restore();
    },
  };
  // If the worker cannot run, the connection checkpoints by itself again.
  worker.on('error', () => {
    shared.failed = true;
    restore();
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve())).then(() => {
    shared.failed = true;
    for (const w of waiting.splice(0)) w({ type: 'exited' });
  });
  // The worker alone keeps no process alive (an app that failed to start and is never closed
  // must not hang its process), but a pending answer does (a close awaiting the truncation).
  // After the listeners: adding a 'message' listener refs the worker again.
  worker.unref();
  sqlite.pragma('wal_autocheckpoint = 0');
  return shared;
}
