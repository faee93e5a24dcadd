import { and, eq, sql } from 'drizzle-orm';
import { LeaseLostError } from '../../../lib/run-errors.js';
import type { LeaseHolder } from '../../store.js';
import { writeTransaction, type Db } from '../client.js';
import { leases, retentionRuns } from '../schema/index.js';

/**
 * One retention run at a time per database file, across processes: a row in `leases` taken
 * in a BEGIN IMMEDIATE transaction (so two processes cannot both see it free), with an expiry
 * so a crashed holder blocks others for at most the TTL.
 */

export const RETENTION_LEASE = 'retention';
export const LEASE_TTL_MS = 10 * 60_000;
/** Renewed well before expiry; a run that stalls longer than the TTL loses its lease. */
export const LEASE_RENEW_MS = 30_000;

/** The current holder, or null when the lease is free or expired. */
export function currentLease(db: Db, now: number, name = RETENTION_LEASE): LeaseHolder | null {
  const row = db.select().from(leases).where(eq(leases.name, name)).get();
  return row && row.expiresAt > now ? { holder: row.holder, expiresAt: row.expiresAt } : null;
}

/**
 * Takes the lease when free or expired, inside the caller's write transaction. Returns null when
 * someone else holds it. Runs left `running` by a holder that died are closed as failed in the
 * same transaction: while we hold the lease, nobody else can be running.
 */
export function acquireLease(tx: Db, holder: string, now: number, ttlMs = LEASE_TTL_MS, name = RETENTION_LEASE): LeaseHolder | null {
  const row = tx.select().from(leases).where(eq(leases.name, name)).get();
  if (row && row.expiresAt > now && row.holder !== holder) return null;
  const expiresAt = now + ttlMs;
  tx.insert(leases)
    .values({ name, holder, expiresAt })
    .onConflictDoUpdate({ target: leases.name, set: { holder, expiresAt } })
    .run();
  if (name === RETENTION_LEASE) {
    tx.update(retentionRuns)
      .set({ status: 'failed', finishedAt: now, error: sql`coalesce(${retentionRuns.error}, 'interrupted: the process running it stopped before it finished')` })
      .where(eq(retentionRuns.status, 'running'))
      .run();
  }
  return { holder, expiresAt };
}

/** Extends our lease; throws LeaseLostError when it expired and another process took it. Call inside a write transaction. */
export function renewLease(tx: Db, holder: string, now: number, ttlMs = LEASE_TTL_MS, name = RETENTION_LEASE): void {
  const res = tx
    .update(leases)
    .set({ expiresAt: now + ttlMs })
    .where(and(eq(leases.name, name), eq(leases.holder, holder)))
    .run();
  if (res.changes === 0) throw new LeaseLostError('the retention lease expired and was taken by another run');
}

export function releaseLease(db: Db, holder: string, name = RETENTION_LEASE): void {
  writeTransaction(db, (tx) => tx.delete(leases).where(and(eq(leases.name, name), eq(leases.holder, holder))).run());
}
