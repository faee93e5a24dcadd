import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * The WAL checkpointer's thread (started by wal-checkpointer.ts, which says why it exists): its
 * own connection to the file, PASSIVE checkpoints every intervalMs, a RESTART past
 * walLimitBytes of frames, and on request a catch-up (drain) or a final TRUNCATE.
 */
export type WorkerData = {
  path: string;
  intervalMs: number;
  busyTimeoutMs: number;
  walLimitBytes: number;
  /** Shared Int32 [frames in the log as last seen], read by drainIfLarge() on the connection's thread. */
  frames: SharedArrayBuffer;
  nice: number;
};

export type Request = { type: 'drain' | 'truncate' | 'stop' };
/** `ready`, once, when the worker has its connection; then one answer per request, in order. */
export type Reply = { type: 'ready' } | { type: 'drained'; caughtUp: boolean } | { type: 'truncated'; result: { busy: boolean; ms?: number; error?: string } } | { type: 'stopped' } | { type: 'exited' };

type CheckpointRow = { busy: number; log: number; checkpointed: number };

/** A short busy timeout: a checkpoint that would wait longer simply runs at the next tick. */
const BUSY_MS = 50;

function start(port: NonNullable<typeof parentPort>, data: WorkerData): void {
  // Background upkeep yields the CPU to the request thread when they compete. On Linux a
  // thread's nice value is its own (elsewhere it would lower the whole process: left alone).
  if (process.platform === 'linux') {
    try {
      setPriority(data.nice);
    } catch {
      // not allowed: run at the process's priority
    }
  }
  const db = new Database(data.path, { fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_MS}`);
  const frameBytes = Number(db.pragma('page_size', { simple: true })) + 24;
  const frames = new Int32Array(data.frames);
  const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const checkpoint = (mode: 'PASSIVE' | 'RESTART' | 'TRUNCATE'): CheckpointRow => {
    const row = (db.pragma(`wal_checkpoint(${mode})`) as CheckpointRow[])[0] as CheckpointRow;
    Atomics.store(frames, 0, Math.max(0, row.log));
    return row;
  };
  const catchUp = (maxPasses: number): boolean => {
    for (let i = 0; i < maxPasses; i++) {
      try {
        const r = checkpoint('PASSIVE');
        if (r.busy === 0 && r.log === r.checkpointed) return true;
      } catch {
        // busy: retry
      }
      pause(2);
    }
    return false;
  };

  let timer: NodeJS.Timeout;
  let restartedAt = -1;
  const tick = () => {
    try {
      const r = checkpoint('PASSIVE');
      // The frame count starts over only when a writer comes after a RESTART: no second one meanwhile.
      if (r.log * frameBytes >= data.walLimitBytes && r.log !== restartedAt) {
        const restart = checkpoint('RESTART');
        if (restart.busy === 0) restartedAt = restart.log;
      }
    } catch {
      // busy: next tick
    }
    timer = setTimeout(tick, data.intervalMs);
  };

  const truncate = (): Extract<Reply, { type: 'truncated' }>['result'] => {
    const t0 = performance.now();
    try {
      catchUp(50);
      db.pragma(`busy_timeout = ${data.busyTimeoutMs}`);
      return { busy: checkpoint('TRUNCATE').busy !== 0, ms: Math.round(performance.now() - t0) };
    } catch (err) {
      return { busy: true, error: err instanceof Error ? err.message : String(err) };
    } finally {
      db.pragma(`busy_timeout = ${BUSY_MS}`);
    }
  };

  port.on('message', function onRequest({ type }: Request) {
    if (type === 'drain') return port.postMessage({ type: 'drained', caughtUp: catchUp(500) } satisfies Reply);
    if (type === 'truncate') return port.postMessage({ type: 'truncated', result: truncate() } satisfies Reply);
    clearTimeout(timer);
    db.close();
    port.postMessage({ type: 'stopped' } satisfies Reply);
    port.close();
  });
  timer = setTimeout(tick, data.intervalMs);
  port.postMessage({ type: 'ready' } satisfies Reply);
}

if (parentPort) start(parentPort, workerData as WorkerData);
