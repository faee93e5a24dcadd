import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { writeTransaction, type Db } from '../db/client.js';
import { settings } from '../db/schema.js';
import { bucketOf } from '../lib/latency-histogram.js';
import { checkAborted, TARGET_SLICE_MS, yieldToEventLoop, type SliceContext } from './retention-slices.js';
import { APPLY_SLOTS_TO_SUMMARIES, DAY_MS, DELETE_EMPTY, FILL_SLOTS_FROM_RAW, GRAINS, SLOT_MS, UPSERT_SLOT, UPSERT_SUMMARY } from './rollups-sql.js';

export { SLOT_MS } from './rollups-sql.js';

/**
 * Tool-call rollups (issue 9), schema in src/db/schema.ts: slot rollups (15-minute UTC slot ×
 * tool × profile × project) and summaries (grain × scope × tool) derived from them. Ingest adds
 * what it stores in its own transaction (record); deleting sessions subtracts theirs (forget),
 * so rollups always equal the stored raw rows — until raw retention deletes rows, which leaves
 * rollups alone (trends outlive raw rows; only rollupDays deletes them). A backfill builds them
 * for rows stored before (rebuild), in slot-range slices that each hold the thread about
 * TARGET_SLICE_MS. Until a backfill has completed once, reports read raw rows.
 */

export const slotOf = (t: number): number => Math.floor(t / SLOT_MS) * SLOT_MS;

const STATE_KEY = 'rollups.toolCalls';
export type RollupState = { built: boolean; next: number | null; end: number | null };

/** What one stored tool call contributes. */
export type RollupInput = { toolName: string; durationMs: number; status: string; timestamp: number; profileId: number | null; project: string | null };

/** One rollup row's delta: counters and a histogram {bucket: count}. */
type Delta = { key: Array<number | string>; calls: number; errors: number; timeouts: number; sum: number; max: number; hist: Record<number, number> };

function prepare(db: Db) {
  const s = db.$client;
  // The histogram's bucket numbers in SQL too, so the backfill aggregates without leaving SQLite.
  s.function('latency_bucket', { deterministic: true }, (d: unknown) => bucketOf(Number(d)));
  return {
    upsertSlot: s.prepare(UPSERT_SLOT),
    upsertSummary: s.prepare(UPSERT_SUMMARY),
    clearSlots: s.prepare('delete from tool_call_slot_rollups where slot_start >= @lo and slot_start < @hi'),
    fillSlots: s.prepare(FILL_SLOTS_FROM_RAW),
    applyToSummaries: s.prepare(APPLY_SLOTS_TO_SUMMARIES),
    deleteEmpty: DELETE_EMPTY.map((sql) => s.prepare(sql)),
    rawRange: s.prepare('select min(timestamp) as lo, max(timestamp) as hi from tool_calls'),
    rawCalls: s.prepare('select count(*) as n from tool_calls where timestamp >= @lo and timestamp < @hi'),
    slotCalls: s.prepare('select coalesce(sum(calls), 0) as n from tool_call_slot_rollups where slot_start = @lo'),
    callsOfSession: s.prepare(`select t.tool_name as toolName, t.duration_ms as durationMs, t.status, t.timestamp, s.profile_id as profileId, s.project
      from tool_calls t join sessions s on s.id = t.session_id where t.session_id = ?`),
    callsOfProfile: s.prepare(`select t.tool_name as toolName, t.duration_ms as durationMs, t.status, t.timestamp, s.profile_id as profileId, s.project
      from sessions s join tool_calls t on t.session_id = s.id where s.profile_id = ?`),
    slotMax: s.prepare(`update tool_call_slot_rollups set duration_max = coalesce((
        select max(t.duration_ms) from tool_calls t join sessions s on s.id = t.session_id
        where t.tool_name = @tool and t.timestamp >= @slot and t.timestamp < @slot + ${SLOT_MS}
          and coalesce(s.profile_id, 0) = @profile and coalesce(s.project, '') = @project), 0)
      where slot_start = @slot and tool_name = @tool and profile_id = @profile and project = @project`),
    summaryMax: s.prepare(`update tool_call_summaries set duration_max = coalesce((
        select max(r.duration_max) from tool_call_slot_rollups r
        where r.slot_start >= @slot and r.slot_start < @slot + @grain and r.tool_name = @tool
          and (@scope = '' or (@scope = 'profile:' || r.profile_id) or (@scope = 'project:' || r.project))), 0)
      where grain = @grain and scope = @scope and slot_start = @slot and tool_name = @tool`),
    oldest: ['tool_call_slot_rollups', 'tool_call_summaries'].map((t) => s.prepare(`select min(slot_start) as t from ${t}`)),
    deleteBefore: ['tool_call_slot_rollups', 'tool_call_summaries'].map((t) => s.prepare(`delete from ${t} where slot_start < @hi`)),
  };
}

export function readState(db: Db): RollupState {
  const row = db.select({ value: settings.value }).from(settings).where(eq(settings.key, STATE_KEY)).get();
  const v = (row?.value ?? {}) as Partial<RollupState>;
  return { built: v.built === true, next: typeof v.next === 'number' ? v.next : null, end: typeof v.end === 'number' ? v.end : null };
}

function writeState(tx: Db, state: RollupState, now: number): void {
  tx.insert(settings).values({ key: STATE_KEY, value: state, updatedAt: now }).onConflictDoUpdate({ target: settings.key, set: { value: state, updatedAt: now } }).run();
}

/** The rows (as [key…, counters…, histogram JSON]) every call of `rows` adds to, summed per row, × sign. */
function deltas(rows: readonly RollupInput[], sign: 1 | -1): { slots: Delta[]; summaries: Delta[] } {
  const slots = new Map<string, Delta>();
  const summaries = new Map<string, Delta>();
  const add = (into: Map<string, Delta>, key: Array<number | string>, r: RollupInput, bucket: number) => {
    const id = key.join('\u0000');
    let d = into.get(id);
    if (!d) {
      d = { key, calls: 0, errors: 0, timeouts: 0, sum: 0, max: 0, hist: {} };
      into.set(id, d);
    }
    d.calls += sign;
    if (r.status === 'error') d.errors += sign;
    else if (r.status === 'timeout') d.timeouts += sign;
    d.sum += sign * r.durationMs;
    d.max = Math.max(d.max, sign > 0 ? r.durationMs : 0);
    d.hist[bucket] = (d.hist[bucket] ?? 0) + sign;
  };
  for (const r of rows) {
    const bucket = bucketOf(r.durationMs);
    const profile = r.profileId ?? 0;
    const project = r.project ?? '';
    add(slots, [slotOf(r.timestamp), r.toolName, profile, project], r, bucket);
    for (const grain of GRAINS) add(summaries, [grain, '', Math.floor(r.timestamp / grain) * grain, r.toolName], r, bucket);
    const day = Math.floor(r.timestamp / DAY_MS) * DAY_MS;
    if (profile !== 0) add(summaries, [DAY_MS, `profile:${profile}`, day, r.toolName], r, bucket);
    if (project !== '') add(summaries, [DAY_MS, `project:${project}`, day, r.toolName], r, bucket);
  }
  return { slots: [...slots.values()], summaries: [...summaries.values()] };
}

const params = (d: Delta) => [...d.key, d.calls, d.errors, d.timeouts, d.sum, d.max, JSON.stringify(d.hist)];

export type RebuildOptions = { signal?: AbortSignal; resume?: boolean; onSlice?: (elapsedMs: number, slots: number) => void };
export type RebuildResult = { slots: number; from: number | null; to: number | null; seconds: number };

export function createRollupService({ db, now }: { db: Db; now: () => number }) {
  const st = prepare(db);

  function apply(rows: readonly RollupInput[], sign: 1 | -1) {
    const d = deltas(rows, sign);
    for (const x of d.slots) st.upsertSlot.run(params(x));
    for (const x of d.summaries) st.upsertSummary.run(params(x));
    return d;
  }

  /** Adds stored tool calls to their rollups: one upsert per rollup row the batch touches (inside the caller's transaction). */
  function record(rows: readonly RollupInput[]): void {
    apply(rows, 1);
  }

  /**
   * Takes deleted tool calls out again (inside the transaction that deleted them, after the
   * delete): counts, sums and histograms subtract exactly; the max of every row touched is
   * recomputed from what is left (raw rows for slots, slot rollups for summaries).
   */
  function forget(rows: readonly RollupInput[]): void {
    if (rows.length === 0) return;
    const d = apply(rows, -1);
    for (const { key } of d.slots) st.slotMax.run({ slot: key[0], tool: key[1], profile: key[2], project: key[3] });
    for (const { key } of d.summaries) st.summaryMax.run({ grain: key[0], scope: key[1], slot: key[2], tool: key[3] });
    for (const s of st.deleteEmpty) s.run();
  }

  /** The tool calls a session or a profile's sessions hold, for forget() after they are deleted. */
  const callsOf = (of: { sessionId: string } | { profileId: number }): RollupInput[] =>
    ('sessionId' in of ? st.callsOfSession.all(of.sessionId) : st.callsOfProfile.all(of.profileId)) as RollupInput[];

  /**
   * Recomputes the slots of [lo, hi) from the raw rows, in one transaction: their old
   * contribution leaves the summaries, the new one enters. The summaries' max only grows, so a
   * rebuild never lowers it (a slot's raw rows only ever gain rows between rebuilds: deleted
   * sessions were subtracted when they went).
   */
  function rebuildSlots(lo: number, hi: number): void {
    st.applyToSummaries.run({ lo, hi, sign: -1 });
    st.clearSlots.run({ lo, hi });
    st.fillSlots.run({ lo, hi });
    st.applyToSummaries.run({ lo, hi, sign: 1 });
    st.deleteEmpty[1]?.run();
  }

  /** Where a rebuild starts: the oldest raw slot, unless retention emptied part of it and its rollups hold more. */
  function startSlot(): { start: number; end: number } | null {
    const { lo, hi } = st.rawRange.get() as { lo: number | null; hi: number | null };
    if (lo === null || hi === null) return null;
    const first = slotOf(lo);
    const raw = (st.rawCalls.get({ lo: first, hi: first + SLOT_MS }) as { n: number }).n;
    const rolled = (st.slotCalls.get({ lo: first }) as { n: number }).n;
    return { start: rolled > raw ? first + SLOT_MS : first, end: slotOf(hi) + SLOT_MS };
  }

  /**
   * Builds (or, resuming, finishes) the rollups of every stored raw tool call, in slot-range
   * slices sized to TARGET_SLICE_MS, yielding between them; the cursor is saved with each slice,
   * so an interrupted backfill resumes where it stopped. Ingest keeps running meanwhile: it
   * maintains the slots already done, and a slot not yet done is recomputed from raw later.
   */
  async function rebuild(opts: RebuildOptions = {}): Promise<RebuildResult> {
    const t0 = performance.now();
    const state = readState(db);
    let cursor: number;
    let end: number;
    if (opts.resume && state.next !== null && state.end !== null) {
      cursor = state.next;
      end = state.end;
    } else {
      const range = startSlot();
      if (!range) {
        writeTransaction(db, (tx) => writeState(tx, { built: true, next: null, end: null }, now()));
        return { slots: 0, from: null, to: null, seconds: (performance.now() - t0) / 1000 };
      }
      cursor = range.start;
      end = range.end;
      writeTransaction(db, (tx) => writeState(tx, { built: state.built, next: cursor, end }, now()));
    }
    const from = cursor;
    let span = 4;
    let slots = 0;
    while (cursor < end) {
      checkAborted(opts.signal);
      const hi = Math.min(end, cursor + span * SLOT_MS);
      const started = performance.now();
      const lo = cursor;
      const done = hi >= end;
      writeTransaction(db, (tx) => {
        rebuildSlots(lo, hi);
        writeState(tx, { built: done || state.built, next: done ? null : hi, end: done ? null : end }, now());
      });
      const ms = performance.now() - started;
      const n = (hi - lo) / SLOT_MS;
      opts.onSlice?.(ms, n);
      slots += n;
      cursor = hi;
      span = Math.max(1, Math.min(span * 2, Math.floor((n * TARGET_SLICE_MS) / Math.max(ms, 0.05))));
      await yieldToEventLoop();
    }
    return { slots, from, to: end, seconds: (performance.now() - t0) / 1000 };
  }

  /**
   * One retention slice, inside the caller's write transaction: deletes the rollups of at most
   * `days` whole UTC days that ended by `cutoff` (so no summary is left half deleted); returns
   * the rows deleted.
   */
  function deleteExpiredSlice(cutoff: number, days: number): { rows: number; more: boolean } {
    const limit = Math.floor(cutoff / DAY_MS) * DAY_MS;
    const oldest = Math.min(...st.oldest.map((s) => (s.get() as { t: number | null }).t ?? limit));
    if (oldest >= limit) return { rows: 0, more: false };
    const hi = Math.min(limit, Math.floor(oldest / DAY_MS) * DAY_MS + days * DAY_MS);
    const rows = st.deleteBefore.reduce((n, s) => n + s.run({ hi }).changes, 0);
    return { rows, more: hi < limit };
  }

  return {
    record,
    forget,
    callsOf,
    rebuild,
    deleteExpiredSlice,
    state: () => readState(db),
    /** Reports read rollups only once a backfill has completed (else the older slots would be missing). */
    isBuilt: () => readState(db).built,
  };
}

export type RollupService = ReturnType<typeof createRollupService>;

/**
 * Rollup retention (policy rollupDays), separate from raw-row retention: whole UTC days that
 * ended before `cutoff` go, in day-range slices sized to TARGET_SLICE_MS, each in its own write
 * transaction with the run's lease upkeep. Returns the rollup rows deleted.
 */
export async function deleteExpiredRollups(ctx: SliceContext, rollups: RollupService, cutoff: number): Promise<number> {
  let days = 1;
  let total = 0;
  for (;;) {
    checkAborted(ctx.signal);
    const started = performance.now();
    const { rows, more } = writeTransaction(ctx.db, (tx) => {
      ctx.keepLease(tx);
      return rollups.deleteExpiredSlice(cutoff, days);
    });
    const ms = performance.now() - started;
    ctx.onSlice?.(ms, rows);
    total += rows;
    if (!more) return total;
    days = Math.max(1, Math.min(days * 2, Math.floor((days * TARGET_SLICE_MS) / Math.max(ms, 0.05))));
    await yieldToEventLoop();
  }
}
