import { performance } from 'node:perf_hooks';
import { DAY_MS, SLOT_MS, slotOf, SUMMARY_LAYOUT } from '../../../lib/rollup-grains.js';
import { checkAborted } from '../../../lib/run-errors.js';
import type { RebuildOptions, RebuildResult } from '../../store.js';
import { writeTransaction, type Db } from '../client.js';
import { nextSpan, yieldToEventLoop } from '../slices.js';
import { closeDays, rebuildDaySummaries, upgradeSummaries, type DaySummaryDeps } from './day-summaries.js';

type Deps = DaySummaryDeps & { moveStaged: () => void };
type Extent = { lo: number | null; hi: number | null };

/** The time extents a rebuild works from: of the raw calls and of the slot rollups, and the calls of one slot in each. */
function rollupExtents(db: Db) {
  const sqlite = db.$client;
  const rawRange = sqlite.prepare('select min(timestamp) as lo, max(timestamp) as hi from tool_calls');
  const slotRange = sqlite.prepare('select min(slot_start) as lo, max(slot_start) as hi from tool_call_slot_rollups');
  const rawCalls = sqlite.prepare('select count(*) as n from tool_calls where timestamp >= @lo and timestamp < @hi');
  const slotCalls = sqlite.prepare('select coalesce(sum(calls), 0) as n from tool_call_slot_rollups where slot_start = @lo');
  return {
    raw: () => rawRange.get() as Extent,
    slots: () => slotRange.get() as Extent,
    rawCallsIn: (lo: number, hi: number) => (rawCalls.get({ lo, hi }) as { n: number }).n,
    rolledUpCallsAt: (slot: number) => (slotCalls.get({ lo: slot }) as { n: number }).n,
  };
}

type RebuildContext = Deps & { extents: ReturnType<typeof rollupExtents> };

/** Where a rebuild starts: the oldest raw slot, unless retention emptied part of it and its rollups hold more. */
function startSlot({ extents }: RebuildContext): { start: number; end: number } | null {
  const { lo, hi } = extents.raw();
  if (lo === null || hi === null) return null;
  const first = slotOf(lo);
  const raw = extents.rawCallsIn(first, first + SLOT_MS);
  const rolled = extents.rolledUpCallsAt(first);
  return { start: rolled > raw ? first + SLOT_MS : first, end: slotOf(hi) + SLOT_MS };
}

/** One day's slot rollups from raw rows, in slot-range slices sized to the time target; the cursor saved with each. */
async function rebuildDaySlots(ctx: RebuildContext, from: number, dayEnd: number, end: number, span: { n: number }, opts: RebuildOptions): Promise<number> {
  const { db, rows, state, keeper, moveStaged } = ctx;
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
async function rebuildRange(ctx: RebuildContext, resume: boolean, signal?: AbortSignal): Promise<{ cursor: number; end: number } | null> {
  const saved = ctx.state.read();
  if (resume && saved.next !== null && saved.end !== null) {
    // It may have stopped between a day's last slot and that day's summaries.
    await rebuildDaySummaries(ctx, Math.floor((saved.next - 1) / DAY_MS) * DAY_MS, signal);
    return { cursor: saved.next, end: saved.end };
  }
  const range = startSlot(ctx);
  if (!range) return null;
  writeTransaction(ctx.db, (tx) => ctx.state.patch(tx, { next: range.start, end: range.end }));
  return { cursor: range.start, end: range.end };
}

/**
 * Builds (or, resuming, finishes) the rollups of every stored raw tool call, one UTC day at a
 * time: its slot rollups from raw rows, then its summaries from those. Ingest keeps running
 * meanwhile: it keeps what is done up to date, and what is not done yet is recomputed later.
 */
async function rebuild(ctx: RebuildContext, opts: RebuildOptions): Promise<RebuildResult> {
  const { db, state, keeper, moveStaged, extents } = ctx;
  const t0 = performance.now();
  moveStaged();
  keeper.settle();
  const layoutBefore = state.read().layout;
  const range = await rebuildRange(ctx, opts.resume ?? false, opts.signal);
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
    slots += await rebuildDaySlots(ctx, cursor, dayEnd, end, span, opts);
    await rebuildDaySummaries(ctx, Math.floor((dayEnd - 1) / DAY_MS) * DAY_MS, opts.signal);
    cursor = dayEnd;
    opts.onProgress?.(cursor - from, end - from);
  }
  // Days before the oldest raw row's (rollups whose raw rows retention deleted) keep the layout they had.
  const oldest = extents.slots().lo;
  const rawLo = extents.raw().lo;
  const layout = oldest !== null && rawLo !== null && oldest < Math.floor(rawLo / DAY_MS) * DAY_MS ? layoutBefore : SUMMARY_LAYOUT;
  writeTransaction(db, (tx) => state.patch(tx, { built: true, next: null, end: null, layout }));
  return { slots, from, to: end, seconds: (performance.now() - t0) / 1000 };
}

/**
 * One rollup-retention slice, inside the caller's write transaction: deletes the rollups of at
 * most `days` whole UTC days that ended by `cutoff` (so no summary is left half deleted).
 */
function deleteExpiredSlice({ rows, keeper }: Deps, cutoff: number, days: number): { rows: number; more: boolean } {
  const limit = Math.floor(cutoff / DAY_MS) * DAY_MS;
  keeper.settle();
  const oldest = rows.oldestSlot(limit);
  if (oldest >= limit) return { rows: 0, more: false };
  const hi = Math.min(limit, Math.floor(oldest / DAY_MS) * DAY_MS + days * DAY_MS);
  return { rows: rows.deleteBefore(hi), more: hi < limit };
}

/**
 * Rollup work over whole days, in slices that each hold the thread about TARGET_SLICE_MS and
 * then yield: building them for rows stored before (rebuild, resumable: the cursor is saved
 * with each slice), recomputing summaries in the current layout (day-summaries.ts), closing
 * days, and deleting expired ones.
 */
export function rollupRebuilder(deps: Deps) {
  const ctx: RebuildContext = { ...deps, extents: rollupExtents(deps.db) };
  return {
    rebuild: (opts: RebuildOptions = {}) => rebuild(ctx, opts),
    upgradeSummaries: (signal?: AbortSignal) => upgradeSummaries(ctx, ctx.extents.slots, signal),
    closeDays: (signal?: AbortSignal) => closeDays(ctx, signal),
    deleteExpiredSlice: (cutoff: number, days: number) => deleteExpiredSlice(ctx, cutoff, days),
  };
}

export type RollupRebuilder = ReturnType<typeof rollupRebuilder>;
