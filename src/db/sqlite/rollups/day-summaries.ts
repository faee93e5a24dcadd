import { performance } from 'node:perf_hooks';
import { Deltas } from '../../../lib/rollup-deltas.js';
import { DAY_MS, HOUR_MS, SUMMARY_LAYOUT } from '../../../lib/rollup-grains.js';
import { checkAborted } from '../../../lib/run-errors.js';
import { writeTransaction, type Db } from '../client.js';
import { yieldToEventLoop } from '../slices.js';
import type { RollupKeeper } from './keeper.js';
import type { RollupRows } from './rows.js';
import type { RollupStateAccess } from './state.js';

/** How long after its end a UTC day closes (calls for it that arrive later take the closed-day path, correct but dearer). */
export const CLOSE_GRACE_MS = 10 * 60_000;

export type DaySummaryDeps = { db: Db; now: () => number; rows: RollupRows; state: RollupStateAccess; keeper: RollupKeeper };

/**
 * Recomputes every summary of one UTC day from its slot rollups: read in hour-long chunks,
 * yielding between them, then written in one short transaction — after checking that nothing
 * wrote to the day meanwhile (else it is folded again inside the transaction). `close`: the
 * day closes in the same transaction (its longer summaries are written, closedBefore moves on).
 */
export async function rebuildDaySummaries({ db, rows, state, keeper }: DaySummaryDeps, day: number, signal?: AbortSignal, close = false): Promise<void> {
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

/**
 * Brings built rollups to the current summary layout: every UTC day's summaries recomputed
 * from its slot rollups (the next day saved with each, so a restart resumes). Reports keep
 * reading the older layout until it completes. `slotExtent` reads the first and last slot rolled up.
 */
export async function upgradeSummaries(
  deps: DaySummaryDeps,
  slotExtent: () => { lo: number | null; hi: number | null },
  signal?: AbortSignal,
): Promise<{ days: number; seconds: number }> {
  const { db, state } = deps;
  const t0 = performance.now();
  const saved = state.read();
  const { lo, hi } = slotExtent();
  let days = 0;
  if (lo !== null && hi !== null) {
    // next is a day here, unless an interrupted rebuild left its slot cursor: start of that day.
    for (let day = Math.floor((saved.next ?? lo) / DAY_MS) * DAY_MS; day <= hi; day += DAY_MS) {
      await rebuildDaySummaries(deps, day, signal);
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
export async function closeDays(deps: DaySummaryDeps, signal?: AbortSignal): Promise<{ days: number }> {
  const { db, now, state } = deps;
  const target = Math.floor((now() - CLOSE_GRACE_MS) / DAY_MS) * DAY_MS;
  let current = state.read();
  if (!current.built || current.layout < SUMMARY_LAYOUT) return { days: 0 };
  if (current.closedBefore === null) {
    writeTransaction(db, (tx) => state.patch(tx, { closedBefore: target }));
    return { days: 0 };
  }
  let days = 0;
  while (current.closedBefore !== null && current.closedBefore < target) {
    await rebuildDaySummaries(deps, current.closedBefore, signal, true);
    days += 1;
    current = state.read();
  }
  return { days };
}
