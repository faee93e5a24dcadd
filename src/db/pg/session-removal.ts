import { eq, inArray, sql } from 'drizzle-orm';
import { Deltas, slotDeltas } from '../../lib/rollup-deltas.js';
import type { PgContext } from './context.js';
import { featureUsage, featureUsageIds, productivityEventIds, productivityEvents, rowCountDeltas, sessions, toolCallIds, toolCallRollupDeltas, toolCalls } from './schema/index.js';
import type { PgTx } from './transaction.js';

/** The same deltas with every count and sum negated: what removing those calls takes away (a fold keeps a row's max). */
function negated(deltas: Deltas): Deltas {
  const out = new Deltas();
  for (const d of deltas.rows.values()) {
    out.delta(d.key, { ...d, calls: -d.calls, errors: -d.errors, timeouts: -d.timeouts, sum: -d.sum, hist: new Map([...d.hist].map(([bucket, n]) => [bucket, -n])) });
  }
  return out;
}

/**
 * Deletes sessions with everything under them inside the caller's transaction, as the SQLite
 * engine's sessionRemoval: their tool calls (taken out of the rollups by a negative delta the
 * fold adds like any other), productivity events and feature usage, the ids of all three (so a
 * client may send them again, as on SQLite), and the row counts of all four tables. Rows are
 * deleted explicitly, not left to the foreign keys' cascades, because the rollups need each
 * call's tool, status, duration and time, and the id tables need their ids.
 */
export function sessionRemoval(ctx: Pick<PgContext, 'now'>) {
  return async function removeSessions(tx: PgTx, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const owners = await tx.select({ id: sessions.id, profileId: sessions.profileId, project: sessions.project }).from(sessions).where(inArray(sessions.id, ids));
    const of = new Map(owners.map((s) => [s.id, s]));
    const calls = await tx.delete(toolCalls).where(inArray(toolCalls.sessionId, ids)).returning();
    const events = await tx.delete(productivityEvents).where(inArray(productivityEvents.sessionId, ids)).returning({ id: productivityEvents.id });
    const usage = await tx.delete(featureUsage).where(inArray(featureUsage.sessionId, ids)).returning({ id: featureUsage.id });
    const gone = await tx.delete(sessions).where(inArray(sessions.id, ids)).returning({ id: sessions.id });
    if (calls.length > 0) await tx.delete(toolCallIds).where(inArray(toolCallIds.id, calls.map((c) => c.id)));
    if (events.length > 0) await tx.delete(productivityEventIds).where(inArray(productivityEventIds.id, events.map((e) => e.id)));
    if (usage.length > 0) await tx.delete(featureUsageIds).where(inArray(featureUsageIds.id, usage.map((u) => u.id)));
    const at = ctx.now();
    const counts = [
      { tableName: 'tool_calls', rows: -calls.length, at },
      { tableName: 'productivity_events', rows: -events.length, at },
      { tableName: 'feature_usage', rows: -usage.length, at },
      { tableName: 'sessions', rows: -gone.length, at },
    ].filter((c) => c.rows !== 0);
    if (counts.length > 0) await tx.insert(rowCountDeltas).values(counts);
    if (calls.length > 0) {
      const inputs = calls.map((c) => ({ ...c, profileId: of.get(c.sessionId)?.profileId ?? null, project: of.get(c.sessionId)?.project ?? null }));
      await tx.insert(toolCallRollupDeltas).values({ deltas: sql`${negated(slotDeltas(inputs)).encode()}::jsonb`, at });
    }
  };
}

export type RemoveSessions = ReturnType<typeof sessionRemoval>;

/** A profile's cascade (ProfileStore.remove's removeSessionsOf): every session of it, removed as above. */
export function profileSessionsRemoval(removeSessions: RemoveSessions) {
  return async function removeSessionsOf(tx: PgTx, profileId: number): Promise<void> {
    const owned = await tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.profileId, profileId));
    await removeSessions(tx, owned.map((s) => s.id));
  };
}
