import { sql } from 'drizzle-orm';
import { LeaseLostError } from '../../../lib/run-errors.js';
import type { LeaseHolder } from '../../store.js';
import type { PgContext } from '../context.js';
import type { PgTx } from '../transaction.js';

/**
 * One retention run at a time per database, across replicas: a row in `leases`, taken in ONE
 * statement (INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING). Two replicas racing
 * both reach the conflict on the same key; the second waits for the first's row lock, then
 * re-checks the WHERE on the row the first wrote (not yet expired) and updates nothing, so
 * exactly one gets a row back. The TTL bounds how long a dead holder blocks the others.
 */

export const RETENTION_LEASE = 'retention';
export const LEASE_TTL_MS = 10 * 60_000;
/** Renewed well before expiry; a run that stalls longer than the TTL loses its lease. */
export const LEASE_RENEW_MS = 30_000;

/** The current holder, or null when the lease is free or expired. */
export async function currentLease(ctx: PgContext, now: number): Promise<LeaseHolder | null> {
  const { rows } = await ctx.pool.query<{ holder: string; expires_at: number }>('select holder, expires_at from leases where name = $1', [RETENTION_LEASE]);
  const row = rows[0];
  return row && row.expires_at > now ? { holder: row.holder, expiresAt: row.expires_at } : null;
}

/**
 * Takes the lease when free, expired or already ours, inside the caller's transaction; false
 * when someone else holds it. Then closes as failed the runs a dead holder left `running`: while
 * we hold the lease nobody else can be running (same rule as src/db/sqlite/retention/lease.ts).
 */
export async function acquireLease(tx: PgTx, holder: string, now: number, ttlMs = LEASE_TTL_MS): Promise<boolean> {
  const taken = await tx.execute<{ holder: string }>(sql`
    insert into leases (name, holder, expires_at) values (${RETENTION_LEASE}, ${holder}, ${now + ttlMs})
    on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
      where leases.expires_at <= ${now} or leases.holder = excluded.holder
    returning holder`);
  if (taken.rows.length === 0) return false;
  await tx.execute(sql`
    update retention_runs set status = 'failed', finished_at = greatest(${now}, started_at),
      error = coalesce(error, 'interrupted: the process running it stopped before it finished')
    where status = 'running'`);
  return true;
}

/** Extends our lease; throws LeaseLostError when it expired and another run took it. */
export async function renewLease(tx: PgTx, holder: string, now: number, ttlMs = LEASE_TTL_MS): Promise<void> {
  const res = await tx.execute(sql`update leases set expires_at = ${now + ttlMs} where name = ${RETENTION_LEASE} and holder = ${holder}`);
  if ((res.rowCount ?? 0) === 0) throw new LeaseLostError('the retention lease expired and was taken by another run');
}

export async function releaseLease(ctx: PgContext, holder: string): Promise<void> {
  await ctx.pool.query('delete from leases where name = $1 and holder = $2', [RETENTION_LEASE, holder]);
}
