import { performance } from 'node:perf_hooks';
import { Deltas } from '../../../lib/rollup-deltas.js';
import { DAY_MS, HOUR_MS, SLOT_MS, slotOf, SUMMARY_LAYOUT } from '../../../lib/rollup-grains.js';
import { checkAborted } from '../../../lib/run-errors.js';
import type { RebuildOptions, RebuildResult } from '../../store.js';
import { writeTransaction, type Db } from '../client.js';
import { nextSpan, yieldToEventLoop } from '../slices.js';
import type { RollupKeeper } from './keeper.js';
import type { RollupRows } from './rows.js';
import type { RollupStateAccess } from './state.js';

/** How long after its end a UTC day closes (calls for it that arrive later take the closed-day path, correct but dearer). */
export const CLOSE_GRACE_MS = 10 * 60_000;

type Deps = { db: Db; now: () => number; rows: RollupRows; state: RollupStateAccess; keeper: RollupKeeper; moveStaged: () => void };

/**
 * Rollup work over whole days, in slices that each hold the thread about TARGET_SLICE_MS and
 * then yield: building them for rows stored before (rebuild, resumable: the cursor is saved
 * with each slice), recomputing summaries in the current layout, and closing days.
 */
export function rollupRebuilder({ db, now, rows, state, keeper, moveStaged }: Deps) {
  const sqlite = db.$client;
  const rawRange = sqlite.prepare('select min(timestamp) as lo, max(timestamp) as hi from tool_calls');
  const slotRange = sqlite.prepare('select min(slot_start) as lo, max(slot_start) as hi from tool_call_slot_rollups');
  const rawCalls = sqlite.prepare('select count(*) as n from tool_calls where timestamp >= @lo and timestamp < @hi');
  const slotCalls = sqlite.prepare('select coalesce(sum(calls), 0) as n from tool_call_slot_rollups where slot_start = @lo');

  /**
   * Recomputes every summary of one UTC day from its slot rollups: read in hour-long chunks,
   * yielding between them, then written in one short transaction — after checking that nothing
   * wrote to the day meanwhile (else it is folded again inside the transaction). `close`: the
   * day closes in the same transaction (its longer summaries are written, closedBefore moves on).
   */
  async function rebuildDaySummaries(day: number, signal?: AbortSignal, close = false): Promise<void> {
    const closedBefore = () => (close ? day + DAY_MS : state.read().closedBefore);
    let deltas = new Deltas();
    keeper.settle();
    const before = rows.fingerprint(day);
    const folding = closedBefore();
    for (let lo = day; lo < day + DAY_MS; lo += HOUR_MS) {
      checkAborted(signal);
      deltas.absorb(rows.readSlots(lo, lo + HOUR_MS).summaries(folding));
      await yieldToEventLoop();
    }
    writeTransaction(db, (tx) => {
      keeper.settle();
      if (rows.fingerprint(day) !== before || closedBefore() !== folding) deltas = rows.readSlots(day, day + DAY_MS).summaries(closedBefore());
      rows.clearDaySummaries(day);
      rows.writeSummaries(deltas);
      if (close) state.patch(tx, { closedBefore: day + DAY_MS });
    });
  }

  /** Where a rebuild starts: the oldest raw slot, unless retention emptied part of it and its rollups hold more. */
  function startSlot(): { start: number; end: number } | null {
    const { lo, hi } = rawRange.get() as { lo: number | null; hi: number | null };
    if (lo === null || hi === null) return null;
    const first = slotOf(lo);
    const raw = (rawCalls.get({ lo: first, hi: first + SLOT_MS }) as { n: number }).n;
    const rolled = (slotCalls.get({ lo: first }) as { n: number }).n;
    return { start: rolled > raw ? first + SLOT_MS : first, end: slotOf(hi) + SLOT_MS };
  }

  /** One day's slot rollups from raw rows, in slot-range slices sized to the time target; the cursor saved with each. */
  async function rebuildDaySlots(from: number, dayEnd: number, end: number, span: { n: number }, opts: RebuildOptions): Promise<number> {
    let slots = 0;
    for (let cursor = from; cursor < dayEnd; ) {
      checkAborted(opts.signal);
      const lo = cursor;
      const hi = Math.min(dayEnd, cursor + span.n * SLOT_MS);
      const started = performance.now();
      // Calls and deltas of ingest meanwhile are moved and folded first, so the refill from raw rows replaces them.
      moveStaged();
      writeTransaction(db, (tx) => {
        keeper.settle();
        rows.rebuildSlots(lo, hi);
        state.patch(tx, { next: hi, end });
      });
      const ms = performance.now() - started;
      const n = (hi - lo) / SLOT_MS;
      opts.onSlice?.(ms, n);
      slots += n;
      cursor = hi;
      span.n = nextSpan(span.n, n, ms);
      await yieldToEventLoop();
    }
    return slots;
  }

  /** The range a rebuild covers, its cursor saved; null when there is no raw row (then it is built at once). */
  async function rebuildRange(resume: boolean, signal?: AbortSignal): Promise<{ cursor: number; end: number } | null> {
    const saved = state.read();
    if (resume && saved.next !== null && saved.end !== null) {
      // It may have stopped between a day's last slot and that day's summaries.
      await rebuildDaySummaries(Math.floor((saved.next - 1) / DAY_MS) * DAY_MS, signal);
      return { cursor: saved.next, end: saved.end };
    }
    const range = startSlot();
    if (!range) return null;
    writeTransaction(db, (tx) => state.patch(tx, { next: range.start, end: range.end }));
    return { cursor: range.start, end: range.end };
  }

  /**
   * Builds (or, resuming, finishes) the rollups of every stored raw tool call, one UTC day at a
   * time: its slot rollups from raw rows, then its summaries from those. Ingest keeps running
   * meanwhile: it keeps what is done up to date, and what is not done yet is recomputed later.
   */
  async function rebuild(opts: RebuildOptions = {}): Promise<RebuildResult> {
    const t0 = performance.now();
    moveStaged();
    keeper.settle();
    const layoutBefore = state.read().layout;
    const range = await rebuildRange(opts.resume ?? false, opts.signal);
    if (!range) {
      writeTransaction(db, (tx) => state.patch(tx, { built: true, next: null, end: null, layout: SUMMARY_LAYOUT }));
      return { slots: 0, from: null, to: null, seconds: (performance.now() - t0) / 1000 };
    }
    const { end } = range;
    const from = range.cursor;
    const span = { n: 4 };
    let slots = 0;
    for (let cursor = from; cursor < end; ) {
      const dayEnd = Math.min(end, Math.floor(cursor / DAY_MS) * DAY_MS + DAY_MS);
      slots += await rebuildDaySlots(cursor, dayEnd, end, span, opts);
      await rebuildDaySummaries(Math.floor((dayEnd - 1) / DAY_MS) * DAY_MS, opts.signal);
      cursor = dayEnd;
      opts.onProgress?.(cursor - from, end - from);
    }
    // Days before the oldest raw row's (rollups whose raw rows retention deleted) keep the layout they had.
    const oldest = (slotRange.get() as { lo: number | null }).lo;
    const rawLo = (rawRange.get() as { lo: number | null }).lo;
    const layout = oldest !== null && rawLo !== null && oldest < Math.floor(rawLo / DAY_MS) * DAY_MS ? layoutBefore : SUMMARY_LAYOUT;
    writeTransaction(db, (tx) => state.patch(tx, { built: true, next: null, end: null, layout }));
    return { slots, from, to: end, seconds: (performance.now() - t0) / 1000 };
  }

  /**
   * Brings built rollups to the current summary layout: every UTC day's summaries recomputed
   * from its slot rollups (the next day saved with each, so a restart resumes). Reports keep
   * reading the older layout until it completes.
   */
  async function upgradeSummaries(signal?: AbortSignal): Promise<{ days: number; seconds: number }> {
    const t0 = performance.now();
    const saved = state.read();
    const { lo, hi } = slotRange.get() as { lo: number | null; hi: number | null };
    let days = 0;
    if (lo !== null && hi !== null) {
      // next is a day here, unless an interrupted rebuild left its slot cursor: start of that day.
      for (let day = Math.floor((saved.next ?? lo) / DAY_MS) * DAY_MS; day <= hi; day += DAY_MS) {
        await rebuildDaySummaries(day, signal);
        writeTransaction(db, (tx) => state.patch(tx, { next: day + DAY_MS }));
        days += 1;
      }
    }
    writeTransaction(db, (tx) => state.patch(tx, { built: true, next: null, end: null, layout: SUMMARY_LAYOUT }));
    return { days, seconds: (performance.now() - t0) / 1000 };
  }

  /**
   * Closes the UTC days that ended CLOSE_GRACE_MS ago or more: each one's longer summaries folded
   * from its slot rollups. The first call only records where closing starts (every summary was
   * kept live until then). Only for built rollups of the current layout.
   */
  async function closeDays(signal?: AbortSignal): Promise<{ days: number }> {
    const target = Math.floor((now() - CLOSE_GRACE_MS) / DAY_MS) * DAY_MS;
    let current = state.read();
    if (!current.built || current.layout < SUMMARY_LAYOUT) return { days: 0 };
    if (current.closedBefore === null) {
      writeTransaction(db, (tx) => state.patch(tx, { closedBefore: target }));
      return { days: 0 };
    }
    let days = 0;
    while (current.closedBefore !== null && current.closedBefore < target) {
      await rebuildDaySummaries(current.closedBefore, signal, true);
      days += 1;
      current = state.read();
    }
    return { days };
  }

  /**
   * One rollup-retention slice, inside the caller's write transaction: deletes the rollups of at
   * most `days` whole UTC days that ended by `cutoff` (so no summary is left half deleted).
   */
  function deleteExpiredSlice(cutoff: number, days: number): { rows: number; more: boolean } {
    const limit = Math.floor(cutoff / DAY_MS) * DAY_MS;
    keeper.settle();
    const oldest = rows.oldestSlot(limit);
    if (oldest >= limit) return { rows: 0, more: false };
    const hi = Math.min(limit, Math.floor(oldest / DAY_MS) * DAY_MS + days * DAY_MS);
    return { rows: rows.deleteBefore(hi), more: hi < limit };
  }

  return { rebuild, upgradeSummaries, closeDays, deleteExpiredSlice };
}

export type RollupRebuilder = ReturnType<typeof rollupRebuilder>;
