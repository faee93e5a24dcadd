import { sql } from 'drizzle-orm';
import { checkAborted } from '../../../lib/run-errors.js';
import type { ChildKind, RetentionCounts } from '../../store.js';
import type { PgContext } from '../context.js';
import { CHILD_KINDS, deleteRows, ENDED, KINDS } from './kinds.js';
import { dropWeek, lockTimedOut, weekPartitions } from './partition-drop.js';
import { SliceSizer, type SliceRunner } from './slice-runner.js';

/**
 * The retention steps on PostgreSQL, with SQLite's semantics (src/db/sqlite/retention/steps.ts):
 * the same rows go, the same counters follow, a dry run counts exactly what a run deletes on
 * unchanged data. What differs is how: whole expired weeks are dropped, not deleted.
 */

export type Cutoffs = Record<ChildKind | 'sessions' | 'stale', number>;
export const noCounts = (): RetentionCounts => ({ toolCalls: 0, sessions: 0, productivityEvents: 0, featureUsage: 0, staleSessionsClosed: 0 });

/** Partitions a run's deletes touched, for reclaimSpace's VACUUM (dropped weeks need none). */
export type Touched = Set<string>;

/**
 * Rows of one kind older than cutoff: first every week partition entirely before the cutoff is
 * dropped (one transaction each: partition-drop.ts), then the rest (the boundary week, the
 * DEFAULT partition, a week whose locks timed out) by a sliced DELETE, oldest first.
 */
export async function deleteOlder(ctx: PgContext, run: SliceRunner, touched: Touched, kind: ChildKind, cutoff: number, tally: (n: number) => void): Promise<void> {
  for (const part of await weekPartitions(ctx, KINDS[kind].table)) {
    if (part.hi > cutoff) break;
    checkAborted(run.signal);
    try {
      tally(await run.write(null, (tx) => dropWeek(tx, kind, part, ctx.now())));
    } catch (err) {
      if (!lockTimedOut(err)) throw err;
      ctx.log.warn({ partition: part.name }, 'retention: an expired week stayed locked; its rows go by the sliced delete');
    }
  }
  const time = sql.identifier(KINDS[kind].time);
  await run.writeInSlices(
    new SliceSizer(1000, 100, 20_000),
    async (tx, limit) => {
      const r = await deleteRows(tx, kind, sql`${time} < ${cutoff}::int8`, limit, ctx.now());
      for (const p of r.parts) touched.add(p);
      return r.rows;
    },
    tally,
  );
}

/**
 * Ended sessions inactive since before cutoff, in batches: their children in slices (a session
 * may hold hundreds of thousands of rows), then, in one transaction, the sessions that still
 * qualify (locked, re-checked) with anything written under them meanwhile (counted too).
 * Children are deleted here rather than by the foreign keys' cascade, so their ids and row
 * counts follow. (src/db/pg/session-removal.ts does the same for one session or a profile's.)
 */
export async function deleteEndedSessions(ctx: PgContext, run: SliceRunner, touched: Touched, cutoff: number, tally: (d: Partial<RetentionCounts>) => void): Promise<void> {
  const batch = new SliceSizer(200, 20, 5000);
  for (;;) {
    checkAborted(run.signal);
    const { rows } = await ctx.db.execute<{ id: string }>(sql`select id from sessions where status in ${ENDED} and last_activity_at < ${cutoff}::int8 limit ${batch.size}`);
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.id);
    const ofThese = sql`session_id = any(${sql.param(ids)}::uuid[])`;
    for (const kind of CHILD_KINDS) {
      await run.writeInSlices(
        new SliceSizer(1000, 100, 20_000),
        async (tx, limit) => {
          const r = await deleteRows(tx, kind, ofThese, limit, ctx.now());
          for (const p of r.parts) touched.add(p);
          return r.rows;
        },
        (n) => tally({ [kind]: n }),
      );
    }
    const late = noCounts();
    const deleted = await run.write(batch, async (tx) => {
      const still = await tx.execute<{ id: string }>(sql`select id from sessions where id = any(${sql.param(ids)}::uuid[]) and status in ${ENDED} and last_activity_at < ${cutoff}::int8 for update`);
      const stillIds = still.rows.map((r) => r.id);
      if (stillIds.length === 0) return 0;
      for (const kind of CHILD_KINDS) late[kind] = (await deleteRows(tx, kind, sql`session_id = any(${sql.param(stillIds)}::uuid[])`, null, ctx.now())).rows;
      await tx.execute(sql`delete from sessions where id = any(${sql.param(stillIds)}::uuid[])`);
      await tx.execute(sql`insert into row_count_deltas (table_name, rows, at) values ('sessions', ${-stillIds.length}::int8, ${ctx.now()}::int8)`);
      return stillIds.length;
    });
    tally({ toolCalls: late.toolCalls, productivityEvents: late.productivityEvents, featureUsage: late.featureUsage, sessions: deleted });
    // Sessions that stopped qualifying between the read and the lock stay, so the loop ends.
    if (deleted === 0) return;
    await run.pause();
  }
}

/** Active sessions idle since before cutoff become cancelled, ended at their last activity. */
export function closeStale(run: SliceRunner, cutoff: number, at: number, tally: (n: number) => void): Promise<void> {
  return run.writeInSlices(
    new SliceSizer(500, 50, 10_000),
    async (tx, limit) => {
      const res = await tx.execute(sql`
        update sessions set status = 'cancelled', ended_at = greatest(last_activity_at, started_at), updated_at = ${at}::int8
        where id in (select id from sessions where status = 'active' and last_activity_at < ${cutoff}::int8 limit ${limit})`);
      return res.rowCount ?? 0;
    },
    tally,
  );
}

/** What the delete steps would delete and close now, changing nothing (the lease is renewed if due). */
export async function countExpired(ctx: PgContext, run: SliceRunner, cut: Cutoffs): Promise<RetentionCounts> {
  const counts = noCounts();
  for (const kind of CHILD_KINDS) {
    checkAborted(run.signal);
    await run.keepAlive();
    const k = KINDS[kind];
    const res = await ctx.db.execute<{ n: number }>(sql`select count(*)::int8 as n from ${sql.identifier(k.table)} where ${sql.identifier(k.time)} < ${cut[kind]}::int8`);
    counts[kind] = res.rows[0]?.n ?? 0;
  }
  checkAborted(run.signal);
  await run.keepAlive();
  // Children older than their own limit were counted above; here only the younger ones of the sessions that go.
  const younger = (kind: ChildKind) =>
    sql`(select count(*) from ${sql.identifier(KINDS[kind].table)} c where c.session_id in (select id from doomed) and c.${sql.identifier(KINDS[kind].time)} >= ${cut[kind]}::int8)::int8`;
  const res = await ctx.db.execute<{ sessions: number; tool_calls: number; events: number; usage: number; stale: number }>(sql`
    with doomed as (select id from sessions where status in ${ENDED} and last_activity_at < ${cut.sessions}::int8)
    select (select count(*) from doomed)::int8 as sessions, ${younger('toolCalls')} as tool_calls,
      ${younger('productivityEvents')} as events, ${younger('featureUsage')} as usage,
      (select count(*) from sessions where status = 'active' and last_activity_at < ${cut.stale}::int8)::int8 as stale`);
  const r = res.rows[0];
  if (r) {
    counts.sessions = r.sessions;
    counts.toolCalls += r.tool_calls;
    counts.productivityEvents += r.events;
    counts.featureUsage += r.usage;
    counts.staleSessionsClosed = r.stale;
  }
  return counts;
}
