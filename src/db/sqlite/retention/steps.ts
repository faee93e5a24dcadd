import { getTableName } from 'drizzle-orm';
import { performance } from 'node:perf_hooks';
import type { Statement } from 'better-sqlite3';
import { checkAborted } from '../../../lib/run-errors.js';
import type { ChildKind, RetentionCounts } from '../../store.js';
import type { Db } from '../client.js';
import { featureUsage, productivityEvents, sessions, toolCalls } from '../schema/index.js';
import { SliceSizer, TARGET_SLICE_MS, yieldToEventLoop } from '../slices.js';
import type { SliceRunner } from './slice-runner.js';

/**
 * The retention steps as batched SQL (the service says which run in which order). The real run
 * and the dry run count the same rows, so a dry run counts exactly what the run would delete
 * on unchanged data.
 */

export type Cutoffs = Record<ChildKind | 'sessions' | 'stale', number>;
const CHILDREN: Record<ChildKind, { table: string; time: string }> = {
  toolCalls: { table: getTableName(toolCalls), time: toolCalls.timestamp.name },
  productivityEvents: { table: getTableName(productivityEvents), time: productivityEvents.createdAt.name },
  featureUsage: { table: getTableName(featureUsage), time: featureUsage.startedAt.name },
};
const SESSIONS = getTableName(sessions);
const ENDED = "('completed', 'failed', 'cancelled')";
const IDS = 'select value from json_each(?)';

type ChildStatements = {
  /** Oldest rows first, so every slice walks the front of the time index. */
  deleteOlder: Statement<[number, number]>;
  deleteOfSessions: Statement<[string, number]>;
  countRange: Statement<[number, number]>;
  minTime: Statement<[]>;
  countOfSessionsFrom: Statement<[string, number]>;
};

/** Told, inside each slice's transaction, which tool calls and sessions it deleted (the id index keeps up). */
export type DeletedSink = { calls: (rows: Array<{ seq: number; id: string }>) => void; sessions: (ids: string[]) => void };

export function prepareSteps(db: Db, gone: DeletedSink) {
  const s = db.$client;
  const child = (kind: ChildKind): ChildStatements => {
    const { table, time } = CHILDREN[kind];
    // Only deleted tool calls need their session: sessions.tool_call_count is kept exact.
    const returning = kind === 'toolCalls' ? ' returning session_id, seq, id' : '';
    return {
      deleteOlder: s.prepare(`delete from ${table} where rowid in (select rowid from ${table} where ${time} < ? order by ${time} limit ?)${returning}`),
      deleteOfSessions: s.prepare(`delete from ${table} where rowid in (select rowid from ${table} where session_id in (${IDS}) limit ?)${returning}`),
      countRange: s.prepare(`select count(*) as n from ${table} where ${time} >= ? and ${time} < ?`),
      minTime: s.prepare(`select min(${time}) as t from ${table}`),
      countOfSessionsFrom: s.prepare(`select count(*) as n from ${table} where session_id in (${IDS}) and ${time} >= ?`),
    };
  };
  return {
    child: { toolCalls: child('toolCalls'), productivityEvents: child('productivityEvents'), featureUsage: child('featureUsage') },
    decrementToolCalls: s.prepare<[number, string]>(`update ${SESSIONS} set tool_call_count = max(tool_call_count - ?, 0) where id = ?`),
    eligibleSessions: s.prepare<[number, number]>(`select id from ${SESSIONS} where status in ${ENDED} and last_activity_at < ? limit ?`),
    eligiblePage: s.prepare<[string, number, number, number, number, number]>(
      `select rowid as r, id, last_activity_at as a from ${SESSIONS} where status = ? and last_activity_at < ?
       and (last_activity_at > ? or (last_activity_at = ? and rowid > ?)) order by last_activity_at, rowid limit ?`,
    ),
    // Unary + keeps the planner on the primary key (a few ids) rather than the status index.
    stillEligible: s.prepare<[string, number]>(`select id from ${SESSIONS} where id in (${IDS}) and +status in ${ENDED} and +last_activity_at < ?`),
    deleteSessions: s.prepare<[string]>(`delete from ${SESSIONS} where id in (${IDS})`),
    gone,
    closeStale: s.prepare<[number, number, number]>(
      `update ${SESSIONS} set status = 'cancelled', ended_at = max(last_activity_at, started_at), updated_at = ?
       where rowid in (select rowid from ${SESSIONS} where status = 'active' and last_activity_at < ? limit ?)`,
    ),
    countStale: s.prepare<[number]>(`select count(*) as n from ${SESSIONS} where status = 'active' and last_activity_at < ?`),
  };
}

export type Steps = ReturnType<typeof prepareSteps>;

/** Deletes tool calls returned by a statement's RETURNING and fixes their sessions' counters. */
function deleteToolCalls(steps: Steps, rows: Array<{ session_id: string; seq: number; id: string }>): number {
  steps.gone.calls(rows);
  const perSession = new Map<string, number>();
  for (const r of rows) perSession.set(r.session_id, (perSession.get(r.session_id) ?? 0) + 1);
  for (const [id, n] of perSession) steps.decrementToolCalls.run(n, id);
  return rows.length;
}

function deleteChildSlice(steps: Steps, kind: ChildKind, stmt: 'deleteOlder' | 'deleteOfSessions', arg: number | string, limit: number): number {
  const st = steps.child[kind][stmt] as Statement<[number | string, number]>;
  if (kind === 'toolCalls') return deleteToolCalls(steps, st.all(arg, limit) as Array<{ session_id: string; seq: number; id: string }>);
  return st.run(arg, limit).changes;
}

export const noCounts = (): RetentionCounts => ({ toolCalls: 0, sessions: 0, productivityEvents: 0, featureUsage: 0, staleSessionsClosed: 0 });

export const CHILD_KINDS = Object.keys(CHILDREN) as ChildKind[];

/** Per kind, the slice size learnt so far (shared by the steps of one run). */
export const childSizers = () => Object.fromEntries(CHILD_KINDS.map((k) => [k, new SliceSizer(200, 20, 50_000)])) as Record<ChildKind, SliceSizer>;

/** Rows of one kind older than cutoff, oldest first. */
export function deleteOlder(run: SliceRunner, steps: Steps, sizer: SliceSizer, kind: ChildKind, cutoff: number, tally: (n: number) => void): Promise<void> {
  return run.writeInSlices(sizer, (limit) => deleteChildSlice(steps, kind, 'deleteOlder', cutoff, limit), tally);
}

/** Ended sessions inactive since before cutoff: their children in slices (one session may hold hundreds of thousands of rows), then the sessions that still qualify. */
export async function deleteEndedSessions(run: SliceRunner, steps: Steps, sizers: Record<ChildKind, SliceSizer>, cutoff: number, tally: (deleted: Partial<RetentionCounts>) => void): Promise<void> {
  const sessionSizer = new SliceSizer(100, 10, 5_000);
  for (;;) {
    checkAborted(run.signal);
    const ids = (steps.eligibleSessions.all(cutoff, sessionSizer.size) as Array<{ id: string }>).map((r) => r.id);
    if (ids.length === 0) return;
    const json = JSON.stringify(ids);
    for (const kind of CHILD_KINDS) {
      await run.writeInSlices(sizers[kind], (limit) => deleteChildSlice(steps, kind, 'deleteOfSessions', json, limit), (n) => tally({ [kind]: n }));
    }
    checkAborted(run.signal);
    // Then the sessions that still qualify, with anything written under them meanwhile (counted too).
    const late = noCounts();
    const deleted = run.write(sessionSizer, () => {
      const still = JSON.stringify((steps.stillEligible.all(json, cutoff) as Array<{ id: string }>).map((r) => r.id));
      for (const kind of CHILD_KINDS) late[kind] = deleteChildSlice(steps, kind, 'deleteOfSessions', still, -1);
      steps.gone.sessions(JSON.parse(still) as string[]);
      return steps.deleteSessions.run(still).changes;
    });
    tally({ toolCalls: late.toolCalls, productivityEvents: late.productivityEvents, featureUsage: late.featureUsage, sessions: deleted });
    if (deleted > 0) run.sessionsDeleted();
    await run.pause();
  }
}

/** Active sessions idle since before cutoff become cancelled, ended at their last activity. */
export function closeStale(run: SliceRunner, steps: Steps, cutoff: number, at: number, tally: (n: number) => void): Promise<void> {
  return run.writeInSlices(new SliceSizer(200, 20, 10_000), (limit) => steps.closeStale.run(at, cutoff, limit).changes, tally);
}

/** COUNT over [min, cutoff) in time-range chunks sized to TARGET_SLICE_MS, yielding between them. */
async function countOlder(run: SliceRunner, st: ChildStatements, cutoff: number): Promise<number> {
  const min = (st.minTime.get() as { t: number | null }).t;
  if (min === null || min >= cutoff) return 0;
  let lo = min;
  let span = 3_600_000;
  let total = 0;
  while (lo < cutoff) {
    checkAborted(run.signal);
    run.keepAlive();
    const hi = Math.min(cutoff, lo + span);
    const t0 = performance.now();
    const n = (st.countRange.get(lo, hi) as { n: number }).n;
    const ms = performance.now() - t0;
    run.onSlice?.(ms, n);
    total += n;
    lo = hi;
    span = Math.max(1, Math.floor(span * Math.min(4, Math.max(0.25, TARGET_SLICE_MS / Math.max(ms, 0.05)))));
    await yieldToEventLoop();
  }
  return total;
}

/** What the delete steps would delete and close now, read in bounded slices (no lease writes but renewal, no deletes). */
export async function countExpired(run: SliceRunner, steps: Steps, cut: Cutoffs): Promise<RetentionCounts> {
  const counts = noCounts();
  for (const kind of CHILD_KINDS) counts[kind] = await countOlder(run, steps.child[kind], cut[kind]);

  const pageSize = 500;
  for (const status of ['completed', 'failed', 'cancelled']) {
    let after: [number, number] = [Number.MIN_SAFE_INTEGER, 0];
    for (;;) {
      checkAborted(run.signal);
      run.keepAlive();
      const t0 = performance.now();
      const rows = steps.eligiblePage.all(status, cut.sessions, after[0], after[0], after[1], pageSize) as Array<{ r: number; id: string; a: number }>;
      if (rows.length === 0) break;
      const json = JSON.stringify(rows.map((r) => r.id));
      counts.sessions += rows.length;
      // Children older than their own limit were counted above; here only the younger ones.
      for (const kind of CHILD_KINDS) counts[kind] += (steps.child[kind].countOfSessionsFrom.get(json, cut[kind]) as { n: number }).n;
      run.onSlice?.(performance.now() - t0, rows.length);
      const last = rows[rows.length - 1] as { r: number; a: number };
      after = [last.a, last.r];
      await yieldToEventLoop();
      if (rows.length < pageSize) break;
    }
  }
  counts.staleSessionsClosed = (steps.countStale.get(cut.stale) as { n: number }).n;
  return counts;
}
