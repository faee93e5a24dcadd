import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../lib/worker-entry.js';
import { WAL_RESTART_BYTES, type Db, type Sqlite } from './client.js';
import type { Reply, Request, WorkerData } from './wal-checkpointer-worker.js';

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
/**
 * The checkpointer thread's nice value (Linux): it competes with the request thread (and, in the
 * benchmark, the load generator) for the cores; at 0 some rounds of single-call ingest lost a
 * fifth of their rate, at 10 none did (the A/B is in bench/RESULTS.md).
 */
export const CHECKPOINTER_NICE = 10;

/** What the worker's final TRUNCATE checkpoint did; null when it did not run one. */
export type WalTruncation = { busy: boolean; ms?: number; error?: string } | null;

export type WalCheckpointer = {
  /** Resolves once the worker checkpoints for the connection (true), or could not start (false). */
  ready: Promise<boolean>;
  /** Lets the worker catch up when the log holds more than `bytes` of frames (true); resolves at once otherwise (false). */
  drainIfLarge(bytes?: number): Promise<boolean>;
  /** This user is done; with truncate, the WAL is checkpointed and truncated first (by the worker). */
  stop(options?: { truncate?: boolean }): Promise<WalTruncation>;
};

type Shared = {
  ready: Promise<boolean>;
  users: number;
  failed: boolean;
  ask(message: Request): Promise<Reply>;
  /** Bytes of frames in the log when the worker last checkpointed. */
  logBytes(): number;
  walLimitBytes: number;
  shutdown(): Promise<void>;
};

const running = new WeakMap<Sqlite, Shared>();

const idle: WalCheckpointer = { ready: Promise.resolve(false), drainIfLarge: async () => false, stop: async () => null };

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
    ready: worker.ready,
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
        return reply?.type === 'truncated' ? reply.result : null;
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
  const frames = new SharedArrayBuffer(4);
  const frameBytes = Number(sqlite.pragma('page_size', { simple: true })) + 24;
  const workerData: WorkerData = { path, frames, nice: CHECKPOINTER_NICE, ...options };
  const { entry, eval: evaluate } = workerEntry(import.meta.url, 'wal-checkpointer-worker');
  const worker = new Worker(entry, { eval: evaluate, workerData });
  const waiting: Array<(m: Reply) => void> = [];
  let markReady: (ok: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => (markReady = resolve));
  worker.on('message', (m: Reply) => {
    // Until the worker has its connection, this one keeps checkpointing by itself.
    if (m.type === 'ready') {
      if (sqlite.open && !shared.failed) sqlite.pragma('wal_autocheckpoint = 0');
      markReady(!shared.failed);
      if (waiting.length === 0) worker.unref();
      return;
    }
    waiting.shift()?.(m);
    if (waiting.length === 0) worker.unref();
  });
  const shared: Shared = {
    ready,
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
    markReady(false);
    for (const w of waiting.splice(0)) w({ type: 'exited' });
  });
  // Once started, the worker alone keeps no process alive (an app that failed to start and is
  // never closed must not hang its process), but a pending answer does (a close awaiting the
  // truncation); it is unref'd when it reports ready.
  return shared;
}
