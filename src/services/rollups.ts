import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { writeTransaction, type Db } from '../db/client.js';
import { settings } from '../db/schema.js';
import { bucketOf } from '../lib/latency-histogram.js';
import { checkAborted, TARGET_SLICE_MS, yieldToEventLoop, type SliceContext } from './retention-slices.js';

/**
 * Tool-call rollups (issue 9): 15-minute UTC slots × tool × profile × project (× status for the
 * counters, × latency bucket for the histogram). Ingest maintains them in its own transaction
 * (record); a backfill builds them for rows stored before (rebuild), in slot-range slices that
 * each hold the thread about TARGET_SLICE_MS. Until a backfill has completed once, reports read
 * raw rows.
 *
 * Rollups are history: deleting a session (or its profile with cascade) and raw-row retention
 * leave them alone; only their own retention (rollupDays) deletes them. A rebuild recomputes the
 * slots from the oldest raw tool call still stored on, so afterwards those slots match the raw
 * rows again; older slots (whose raw rows are gone) are kept as they are.
 */

export const SLOT_MS = 15 * 60_000;
export const slotOf = (t: number): number => Math.floor(t / SLOT_MS) * SLOT_MS;

const STATE_KEY = 'rollups.toolCalls';
export type RollupState = { built: boolean; next: number | null; end: number | null };

/** What one stored tool call contributes. */
export type RollupInput = { toolName: string; durationMs: number; status: string; timestamp: number; profileId: number | null; project: string | null };

const UPSERT_ROLLUP = `insert into tool_call_rollups (slot_start, tool_name, profile_id, project, status, calls, duration_sum, duration_max)
  values (?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (slot_start, tool_name, profile_id, project, status) do update set
    calls = calls + excluded.calls, duration_sum = duration_sum + excluded.duration_sum, duration_max = max(duration_max, excluded.duration_max)`;
const UPSERT_BUCKET = `insert into tool_call_latency_buckets (slot_start, tool_name, profile_id, project, bucket, count)
  values (?, ?, ?, ?, ?, ?)
  on conflict (slot_start, tool_name, profile_id, project, bucket) do update set count = count + excluded.count`;

/** The raw rows of [lo, hi) as rollup rows; total() never overflows (sum() would throw past 2^63). */
const FROM_RAW = (select: string, group: string) => `
  select t.timestamp / ${SLOT_MS} * ${SLOT_MS}, t.tool_name, coalesce(s.profile_id, 0), coalesce(s.project, ''), ${select}
  from tool_calls t join sessions s on s.id = t.session_id
  where t.timestamp >= @lo and t.timestamp < @hi group by 1, 2, 3, 4, ${group}`;

function prepare(db: Db) {
  const s = db.$client;
  // The histogram's bucket numbers in SQL too, so the backfill aggregates without leaving SQLite.
  s.function('latency_bucket', { deterministic: true }, (d: unknown) => bucketOf(Number(d)));
  return {
    upsertRollup: s.prepare(UPSERT_ROLLUP),
    upsertBucket: s.prepare(UPSERT_BUCKET),
    clearRollups: s.prepare('delete from tool_call_rollups where slot_start >= @lo and slot_start < @hi'),
    clearBuckets: s.prepare('delete from tool_call_latency_buckets where slot_start >= @lo and slot_start < @hi'),
    fillRollups: s.prepare(`insert into tool_call_rollups ${FROM_RAW('t.status, count(*), total(t.duration_ms), max(t.duration_ms)', '5')}`),
    fillBuckets: s.prepare(`insert into tool_call_latency_buckets ${FROM_RAW('latency_bucket(t.duration_ms), count(*)', '5')}`),
    rawRange: s.prepare('select min(timestamp) as lo, max(timestamp) as hi from tool_calls'),
    rawCalls: s.prepare('select count(*) as n from tool_calls where timestamp >= @lo and timestamp < @hi'),
    rollupCalls: s.prepare('select coalesce(sum(calls), 0) as n from tool_call_rollups where slot_start = @lo'),
    oldestRollup: s.prepare('select min(slot_start) as t from tool_call_rollups'),
    oldestBucket: s.prepare('select min(slot_start) as t from tool_call_latency_buckets'),
    deleteRollups: s.prepare('delete from tool_call_rollups where slot_start < @hi'),
    deleteBuckets: s.prepare('delete from tool_call_latency_buckets where slot_start < @hi'),
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

export type RebuildOptions = { signal?: AbortSignal; resume?: boolean; onSlice?: (elapsedMs: number, slots: number) => void };
export type RebuildResult = { slots: number; from: number | null; to: number | null; seconds: number };

export function createRollupService({ db, now }: { db: Db; now: () => number }) {
  const st = prepare(db);

  /** Adds stored tool calls to their rollups: one upsert per group of the batch (inside the caller's transaction). */
  function record(rows: RollupInput[]): void {
    const counters = new Map<string, [number, string, number, string, string, number, number, number]>();
    const buckets = new Map<string, [number, string, number, string, number, number]>();
    for (const r of rows) {
      const slot = slotOf(r.timestamp);
      const profile = r.profileId ?? 0;
      const project = r.project ?? '';
      const dims = `${slot}\u0000${r.toolName}\u0000${profile}\u0000${project}\u0000`;
      const c = counters.get(dims + r.status);
      if (c) {
        c[5] += 1;
        c[6] += r.durationMs;
        c[7] = Math.max(c[7], r.durationMs);
      } else counters.set(dims + r.status, [slot, r.toolName, profile, project, r.status, 1, r.durationMs, r.durationMs]);
      const bucket = bucketOf(r.durationMs);
      const b = buckets.get(dims + bucket);
      if (b) b[5] += 1;
      else buckets.set(dims + bucket, [slot, r.toolName, profile, project, bucket, 1]);
    }
    for (const c of counters.values()) st.upsertRollup.run(c);
    for (const b of buckets.values()) st.upsertBucket.run(b);
  }

  /** Recomputes the slots of [lo, hi) from the raw rows, in one transaction. */
  function rebuildSlots(lo: number, hi: number): void {
    st.clearRollups.run({ lo, hi });
    st.clearBuckets.run({ lo, hi });
    st.fillRollups.run({ lo, hi });
    st.fillBuckets.run({ lo, hi });
  }

  /** Where a rebuild starts: the oldest raw slot, unless retention emptied part of it and its rollups hold more. */
  function startSlot(): { start: number; end: number } | null {
    const { lo, hi } = st.rawRange.get() as { lo: number | null; hi: number | null };
    if (lo === null || hi === null) return null;
    const first = slotOf(lo);
    const raw = (st.rawCalls.get({ lo: first, hi: first + SLOT_MS }) as { n: number }).n;
    const rolled = (st.rollupCalls.get({ lo: first }) as { n: number }).n;
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
   * `slots` whole slots that ended by `cutoff`; returns the rows deleted.
   */
  function deleteExpiredSlice(cutoff: number, slots: number): { rows: number; more: boolean } {
    const limit = slotOf(cutoff);
    const oldest = Math.min(
      (st.oldestRollup.get() as { t: number | null }).t ?? limit,
      (st.oldestBucket.get() as { t: number | null }).t ?? limit,
    );
    if (oldest >= limit) return { rows: 0, more: false };
    const hi = Math.min(limit, oldest + slots * SLOT_MS);
    const rows = st.deleteRollups.run({ hi }).changes + st.deleteBuckets.run({ hi }).changes;
    return { rows, more: hi < limit };
  }

  return {
    record,
    rebuild,
    deleteExpiredSlice,
    state: () => readState(db),
    /** Reports read rollups only once a backfill has completed (else the older slots would be missing). */
    isBuilt: () => readState(db).built,
  };
}

export type RollupService = ReturnType<typeof createRollupService>;

/**
 * Rollup retention (policy rollupDays), separate from raw-row retention: whole slots that ended
 * before `cutoff` go, in slot-range slices sized to TARGET_SLICE_MS, each in its own write
 * transaction with the run's lease upkeep. Returns the rollup rows deleted.
 */
export async function deleteExpiredRollups(ctx: SliceContext, rollups: RollupService, cutoff: number): Promise<number> {
  let slots = 16;
  let total = 0;
  for (;;) {
    checkAborted(ctx.signal);
    const started = performance.now();
    const { rows, more } = writeTransaction(ctx.db, (tx) => {
      ctx.keepLease(tx);
      return rollups.deleteExpiredSlice(cutoff, slots);
    });
    const ms = performance.now() - started;
    ctx.onSlice?.(ms, rows);
    total += rows;
    if (!more) return total;
    slots = Math.max(1, Math.min(slots * 2, Math.floor((slots * TARGET_SLICE_MS) / Math.max(ms, 0.05))));
    await yieldToEventLoop();
  }
}
