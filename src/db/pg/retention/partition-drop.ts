import { sql } from 'drizzle-orm';
import type { ChildKind } from '../../store.js';
import type { PgContext } from '../context.js';
import { pgCode } from '../errors.js';
import type { PgTx } from '../transaction.js';
import { KINDS } from './kinds.js';

/** How long a drop waits for a lock before giving the week to the sliced DELETE instead. */
const LOCK_TIMEOUT = '2s';

export type WeekPartition = { name: string; lo: number; hi: number };

/** The range partitions of a table with their bounds (not the DEFAULT one), oldest first. */
export async function weekPartitions(ctx: PgContext, table: string): Promise<WeekPartition[]> {
  const { rows } = await ctx.pool.query<{ name: string; bound: string }>(
    `select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
       from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = $1::regclass`,
    [table],
  );
  const parts: WeekPartition[] = [];
  for (const r of rows) {
    const m = /FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)/.exec(r.bound);
    if (m) parts.push({ name: r.name, lo: Number(m[1]), hi: Number(m[2]) });
  }
  return parts.sort((a, b) => a.lo - b.lo);
}

/**
 * Drops one whole expired week of a kind in one transaction, with what depends on its rows:
 * sessions' tool_call_count lowered per session, the id table's rows of that range deleted (the
 * ids carry their row's time, so that is one index range), a negative row_count_deltas row.
 *
 * Locks, in order: SHARE on the week (its writes wait, reads go on; nothing but a late straggler
 * writes to an expired week), then the plain DETACH's ACCESS EXCLUSIVE on the parent, held only
 * for the catalog change and the DROP until COMMIT. DETACH … CONCURRENTLY would not block the
 * parent but cannot run in a transaction, and then the counters, the ids and the drop could
 * not commit together: a crash between them would leave counts that no longer match the rows.
 * lock_timeout bounds how long the DETACH queues behind a long reader (and so how long it holds
 * up the writers queued behind it); on timeout the week is left to the sliced DELETE. A straggler
 * insert into that week waits for the commit and then lands in the DEFAULT partition (the range
 * has no partition any more), where the next run's sliced DELETE finds it.
 * Returns the rows dropped; throws 55P03 (lockTimedOut) when the locks were not granted in time.
 */
export async function dropWeek(tx: PgTx, kind: ChildKind, part: WeekPartition, now: number): Promise<number> {
  const k = KINDS[kind];
  const week = sql.identifier(part.name);
  await tx.execute(sql`select set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`);
  await tx.execute(sql`lock table ${week} in share mode`);
  let rows: number;
  if (kind === 'toolCalls') {
    const res = await tx.execute<{ n: number | null }>(sql`
      with per_session as (select session_id, count(*) as n from ${week} group by session_id),
      counters as (update sessions s set tool_call_count = greatest(s.tool_call_count - p.n, 0) from per_session p where s.id = p.session_id)
      select sum(n)::int8 as n from per_session`);
    rows = res.rows[0]?.n ?? 0;
  } else {
    const res = await tx.execute<{ n: number }>(sql`select count(*)::int8 as n from ${week}`);
    rows = res.rows[0]?.n ?? 0;
  }
  const idTime = sql.identifier(k.idTime);
  await tx.execute(sql`delete from ${sql.identifier(k.ids)} where ${idTime} >= ${part.lo}::int8 and ${idTime} < ${part.hi}::int8`);
  if (rows > 0) await tx.execute(sql`insert into row_count_deltas (table_name, rows, at) values (${k.table}, ${-rows}::int8, ${now}::int8)`);
  await tx.execute(sql`alter table ${sql.identifier(k.table)} detach partition ${week}`);
  await tx.execute(sql`drop table ${week}`);
  return rows;
}

/** The DETACH or the week's lock waited longer than lock_timeout (55P03 lock_not_available). */
export const lockTimedOut = (err: unknown): boolean => pgCode(err) === '55P03';
