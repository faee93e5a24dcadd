import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { createPgPool, type PgPoolOptions } from './client.js';
import { describeTarget } from './urls.js';

export type ConnectOptions = {
  /** How long to keep trying before giving up (DEVFLOW_DB_CONNECT_TIMEOUT_MS); default 30 s. */
  connectTimeoutMs?: number;
  /** Stops waiting (a shutdown during start): the wait rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Told about each failed attempt before the wait that follows it (for a log line, /readyz). */
  onRetry?: (info: { attempt: number; delayMs: number; cause: string }) => void;
};

/** Why PostgreSQL could not be reached, in one line that names host:port and the last cause. */
export class PgConnectError extends Error {
  override name = 'PgConnectError';
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2000;

/**
 * Waits until PostgreSQL answers `select 1` through the pool, retrying with exponential backoff
 * (100 ms doubling to 2 s, with jitter so replicas started together do not knock in step)
 * until `connectTimeoutMs` has passed. A server that is starting, restarting or not up yet
 * is waited for; one that refuses who we are (a wrong password, a missing database) is not,
 * since waiting cannot change the answer.
 */
export async function waitForPg(pool: pg.Pool, url: string, options: ConnectOptions = {}): Promise<void> {
  const timeoutMs = options.connectTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const target = describeTarget(url);
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    let cause: string;
    try {
      await withDeadline(pool.query('select 1'), deadline, options.signal);
      return;
    } catch (err) {
      options.signal?.throwIfAborted();
      cause = causeOf(err);
      if (isFinal(err)) throw new PgConnectError(`PostgreSQL at ${target} refused the connection: ${cause}`, { cause: err });
    }
    const delayMs = Math.min(backoff(attempt), deadline - Date.now());
    if (delayMs <= 0) {
      throw new PgConnectError(`PostgreSQL at ${target} did not answer within ${timeoutMs / 1000} s (${attempt} attempt${attempt === 1 ? '' : 's'}): ${cause}`);
    }
    options.onRetry?.({ attempt, delayMs, cause });
    // timers/promises rejects with its own AbortError; the caller asked for the signal's reason.
    await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : {}).catch((err: unknown) => {
      options.signal?.throwIfAborted();
      throw err;
    });
  }
}

/** A pool that has answered once (see waitForPg); closed again if it never does. */
export async function connectPg(options: PgPoolOptions & ConnectOptions): Promise<pg.Pool> {
  const pool = createPgPool(options);
  try {
    await waitForPg(pool, options.url, options);
    return pool;
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}

function backoff(attempt: number): number {
  const ceiling = Math.min(FIRST_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS);
  return Math.round(ceiling * (0.5 + Math.random() / 2));
}

/** The attempt, cut short at the deadline (a server that accepts and never answers) or on abort. */
async function withDeadline<T>(attempt: Promise<T>, deadline: number, signal: AbortSignal | undefined): Promise<T> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const timeout = sleep(Math.max(deadline - Date.now(), 0), undefined, { signal: stop.signal }).then(() => {
    throw new Error('no answer before the deadline');
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    stop.abort();
    signal?.removeEventListener('abort', onAbort);
    attempt.catch(() => undefined);
    timeout.catch(() => undefined);
  }
}

/** SQLSTATE classes waiting will not change: 28 (authorization: user, password) and 3D000 (no such database). */
function isFinal(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('28') || code === '3D000');
}

/** One line: Node's AggregateError (every address of a name refused) carries its causes in `errors`. */
function causeOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return [...new Set(err.errors.map(causeOf))].join('; ');
  const text = err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err);
  return text.replace(/\s+/g, ' ').trim();
}
