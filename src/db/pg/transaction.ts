import { setTimeout as sleep } from 'node:timers/promises';
import type { PgContext } from './context.js';
import { isRetryable } from './errors.js';

/** Drizzle's transaction handle over the engine's schema: every statement of a transaction goes through it. */
export type PgTx = Parameters<Parameters<PgContext['db']['transaction']>[0]>[0];

export type TransactionOptions = {
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
  /** Runs after a serialization failure or a deadlock (then 503 DATABASE_BUSY); default 5. */
  attempts?: number;
};

/**
 * Runs `work` in one transaction and commits, running it again (from the start, on a fresh
 * transaction) when PostgreSQL aborted it for a serialization failure or a deadlock, which
 * concurrent replicas can cause and which are nobody's fault: `work` must therefore have no
 * effect outside the transaction until it returns. Other failures roll back and propagate.
 */
export async function inTransaction<T>(ctx: PgContext, work: (tx: PgTx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction(work, options.isolationLevel ? { isolationLevel: options.isolationLevel } : undefined);
    } catch (err) {
      if (!isRetryable(err) || attempt >= attempts) throw err;
      // Jittered, growing pauses, so two transactions that collided do not collide again in step.
      await sleep(Math.round(5 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}
