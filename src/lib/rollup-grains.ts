/**
 * The time grains of the tool-call rollups, engine-neutral: 15-minute UTC slots, and the
 * summaries built from them. Every real UTC offset (+05:30 and +05:45 included) is a whole
 * number of slots, so local hours and days start on slot boundaries.
 */

export const SLOT_MS = 15 * 60_000;
const HALF_HOUR_MS = 30 * 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/**
 * The summary grains, coarsest first: every scope has days, the '' scope also quarter days,
 * eighth days, hours, half hours and slots. A local day in New York (UTC−5) is 7 pieces
 * (1 h, 3 × 6 h, 3 h, 2 × 1 h) instead of 24 hours; a local hour in a +05:45 zone three pieces.
 */
export const GRAINS = [DAY_MS, 6 * HOUR_MS, 3 * HOUR_MS, HOUR_MS, HALF_HOUR_MS, SLOT_MS] as const;

/**
 * The '' scope also has hours that start at half past (grain HOUR_MS, slot_start at :30), so a
 * local hour of a +05:30, +09:30 or −03:30 zone is one piece, not two. None starts at 23:30:
 * it would cross a UTC midnight, and every summary stays within its UTC day (rebuilt and
 * deleted by whole days).
 */
export const isOffsetHourStart = (t: number): boolean => t % HOUR_MS === HALF_HOUR_MS && t % DAY_MS !== DAY_MS - HALF_HOUR_MS;

/** The half-past hour summary slot t lies in, or null (t in the half hours around midnight). */
export function offsetHourOf(t: number): number | null {
  const start = Math.floor((t - HALF_HOUR_MS) / HOUR_MS) * HOUR_MS + HALF_HOUR_MS;
  return isOffsetHourStart(start) ? start : null;
}

/**
 * Summaries longer than a slot (the '' scope's days, quarter and eighth days, hours, half-past
 * hours and half hours; every profile and project day, the only grain of those scopes) are
 * written live only for closed UTC days (the rollup state's closedBefore); an open day gets them
 * when it closes, folded from its slot rollups. A fold of ingest's deltas into an open day
 * writes two rollup rows per tool (its slot row and the '' scope's slot summary), each holding a
 * histogram of up to a few KiB.
 */
export const isFoldedAtClose = (grain: number): boolean => grain > SLOT_MS;

/** Summary layout versions (the rollup state's `layout`): 2 added the half-past hours. */
export const SUMMARY_LAYOUT = 2;

/** The slot a time falls in. */
export const slotOf = (t: number): number => Math.floor(t / SLOT_MS) * SLOT_MS;
