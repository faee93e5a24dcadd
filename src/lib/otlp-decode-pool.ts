import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError, type FieldError } from './app-error.js';
import { mapJsonLogsBody } from './otlp-json-logs.js';
import type { LogsMapping } from './otlp-mapping.js';
import { workerEntry } from './worker-entry.js';

export type DecodeRequest = { id: number; bytes: Uint8Array; now: number };
export type DecodeReply =
  | { id: number; mapping: LogsMapping }
  | { id: number; clientError: { status: number; code: string; detail: string; errors: FieldError[] | undefined } }
  | { id: number; failed: string };

/**
 * Bodies at least this large are decoded on a decode thread; smaller ones on the calling
 * thread, where they cost less than the hop. Claude Code's batches of 512 records are ~640 KB.
 */
export const OFFLOAD_MIN_BYTES = 64 * 1024;

/** Decode threads: the cores the request thread leaves, at most 2 (0 on one core: all inline). */
export const defaultDecodeThreads = (): number => Math.min(2, availableParallelism() - 1);

type Pending = { bytes: Buffer; now: number; resolve: (m: LogsMapping) => void; reject: (err: unknown) => void };
type Thread = { worker: Worker; pending: Map<number, Pending> };

/** Decodes inline, settling `p` as the worker would have. */
function settleInline(p: Pending): void {
  try {
    p.resolve(mapJsonLogsBody(p.bytes, p.now));
  } catch (err) {
    p.reject(err);
  }
}

/**
 * OTLP/HTTP JSON logs bodies parsed, checked and mapped (otlp-json-logs.ts) on worker threads:
 * a 512-record batch costs the thread that parses it several milliseconds, which on the request
 * thread every other request would wait for, while the other cores idle. Same function, same
 * answers: a client error thrown there comes back as the same AppError; a thread that dies
 * leaves its bodies to be decoded inline, and the next large body starts a new one.
 */
export function createOtlpDecoder({ threads = defaultDecodeThreads(), minBytes = OFFLOAD_MIN_BYTES } = {}) {
  const pool: Thread[] = [];
  let nextId = 0;
  let closed = false;

  function start(): Thread {
    const { entry, eval: evaluate } = workerEntry(import.meta.url, 'otlp-decode-worker');
    const thread: Thread = { worker: new Worker(entry, { eval: evaluate }), pending: new Map() };
    thread.worker.unref();
    thread.worker.on('message', (reply: DecodeReply) => {
      const p = thread.pending.get(reply.id);
      if (!p) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) thread.worker.unref();
      if ('mapping' in reply) p.resolve(reply.mapping);
      else if ('clientError' in reply) p.reject(new AppError(reply.clientError.status, reply.clientError.code, reply.clientError.detail, reply.clientError.errors));
      else settleInline(p);
    });
    const lost = () => {
      const at = pool.indexOf(thread);
      if (at >= 0) pool.splice(at, 1);
      for (const p of thread.pending.values()) settleInline(p);
      thread.pending.clear();
    };
    thread.worker.on('error', lost);
    thread.worker.on('exit', lost);
    pool.push(thread);
    return thread;
  }

  /** The thread with the fewest bodies waiting; another one started while every thread is busy. */
  function pick(): Thread {
    let best: Thread | undefined;
    for (const t of pool) if (!best || t.pending.size < best.pending.size) best = t;
    return best && (best.pending.size === 0 || pool.length >= threads) ? best : start();
  }

  return {
    /** The body's mapping; rejects with the AppError (400) a bad body earns, as the JSON body parser would. */
    decode(bytes: Buffer, now: number): Promise<LogsMapping> {
      if (closed || threads < 1 || bytes.byteLength < minBytes) return new Promise((resolve, reject) => settleInline({ bytes, now, resolve, reject }));
      const thread = pick();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        thread.pending.set(id, { bytes, now, resolve, reject });
        thread.worker.ref();
        thread.worker.postMessage({ id, bytes, now } satisfies DecodeRequest);
      });
    },
    /** Stops the threads; bodies still with them are decoded inline. */
    async close(): Promise<void> {
      closed = true;
      await Promise.all(pool.map((t) => t.worker.terminate()));
    },
  };
}

export type OtlpDecoder = ReturnType<typeof createOtlpDecoder>;
