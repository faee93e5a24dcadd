import { DAY_MS, HOUR_MS, isFoldedAtClose, isOffsetHourStart, SLOT_MS } from './rollup-grains.js';

/**
 * How a rollup report reads its cells (engine-neutral; SQLite: src/db/sqlite/reports/tools-rollup.ts): each cell (the
 * whole range, or one local hour or day) cut into the largest UTC-aligned summary pieces that
 * fit, slot-level ranges where no summary can serve, and raw ranges for the partial slots at
 * the range's ends.
 */

export type Cell = { lo: number; hi: number };
/** [cell index, lo, hi] of a slot-level or raw range. */
export type Triple = [number, number, number];

/**
 * How the rollups can be read: `rawFrom`, the first slot from which every raw row is still
 * stored (slot level reads raw rows from there on); `offsetHours`, whether the summaries have
 * their half-past hours yet (an upgraded layout: see SUMMARY_LAYOUT); `closedBefore`, where the
 * open days start (summaries longer than a slot only before it: see isFoldedAtClose).
 */
export type RollupReading = { rawFrom: number; offsetHours: boolean; closedBefore: number };

/** Where one summary row goes: added to a cell or taken from it; `split` ≥ 0 for the rows of a split day. */
export type Use = { cell: number; sign: 1 | -1; split: number };
export type Piece = { grain: number; slot: number; uses: Use[] };
/**
 * A UTC day two cells share (a local day boundary inside it): the day's row and the smaller
 * side's pieces are read; the larger side's cell gets day − smaller side. Its max cannot be
 * subtracted: the day's max serves when it is above the smaller side's, else the max of
 * `cover` (the larger side's own pieces) is read.
 */
export type Split = { cell: number; cover: Array<[number, number]> };
export type Plan = { pieces: Piece[]; slots: Triple[]; raw: Triple[]; splits: Split[] };

type Grains = { grains: readonly number[]; offsetHours: boolean; closedBefore: number };

/** The largest grain piece starting at slot-aligned t that ends by hi, if any (pieces over a slot only where days are closed). */
function pieceAt(t: number, hi: number, { grains, offsetHours, closedBefore }: Grains): number | undefined {
  if (offsetHours && isOffsetHourStart(t) && t + HOUR_MS <= hi && t + HOUR_MS <= closedBefore) return HOUR_MS;
  return grains.find((g) => t % g === 0 && t + g <= hi && (!isFoldedAtClose(g) || t + g <= closedBefore));
}

/** [grain, slot] pieces covering slot-aligned [lo, hi) when the grains go down to slots. */
function cover(lo: number, hi: number, g: Grains): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let t = lo; t < hi; ) {
    const grain = pieceAt(t, hi, g) as number;
    out.push([grain, t]);
    t += grain;
  }
  return out;
}

/** Cuts the cells into summary pieces (of `grains`, and half-past hours when offsetHours), slot-level ranges and raw ranges. */
export function plan(cells: Cell[], grains: readonly number[], { rawFrom, offsetHours, closedBefore }: RollupReading): Plan {
  const g: Grains = { grains, offsetHours, closedBefore };
  const out: Plan = { pieces: [], slots: [], raw: [], splits: [] };
  const byKey = new Map<string, Piece>();
  const use = (grain: number, slot: number, u: Use) => {
    const key = `${grain}:${slot}`;
    let piece = byKey.get(key);
    if (!piece) {
      piece = { grain, slot, uses: [] };
      byKey.set(key, piece);
      out.pieces.push(piece);
    }
    piece.uses.push(u);
  };
  const detail = (cell: number, lo: number, hi: number) => {
    if (lo < rawFrom) out.slots.push([cell, lo, Math.min(hi, rawFrom)]);
    if (hi > rawFrom) out.raw.push([cell, Math.max(lo, rawFrom), hi]);
  };
  const spans = cells.map((c) => ({ ...c }));
  if (grains.includes(SLOT_MS)) splitDays(cells, spans, g, use, out.splits);
  spans.forEach(({ lo, hi }, cell) => {
    if (lo >= hi) return;
    const ilo = Math.ceil(lo / SLOT_MS) * SLOT_MS;
    const ihi = Math.floor(hi / SLOT_MS) * SLOT_MS;
    if (ilo >= ihi) {
      out.raw.push([cell, lo, hi]);
      return;
    }
    if (lo < ilo) out.raw.push([cell, lo, ilo]);
    if (ihi < hi) out.raw.push([cell, ihi, hi]);
    let t = ilo;
    while (t < ihi) {
      const grain = pieceAt(t, ihi, g);
      if (grain !== undefined) {
        use(grain, t, { cell, sign: 1, split: -1 });
        t += grain;
        continue;
      }
      // No summary piece starts here: slot level up to where the coarsest grain could start
      // (the next day; for an open day with profile or project, the whole day).
      const coarsest = grains[0] ?? ihi;
      const next = Math.min(ihi, Math.floor(t / coarsest) * coarsest + coarsest);
      detail(cell, t, next);
      t = next;
    }
  });
  return out;
}

/**
 * Local days of a zone off UTC split every UTC day between two cells: [05:00, 24:00) and
 * [00:00, 05:00) in New York take 4 + 3 pieces. Reading the day and the smaller side instead
 * (1 + 3 rows, the larger side by subtraction) is fewer rows and bytes. Trims what it covers
 * from `spans`.
 */
function splitDays(cells: Cell[], spans: Cell[], g: Grains, use: (grain: number, slot: number, u: Use) => void, splits: Split[]): void {
  for (let i = 0; i + 1 < cells.length; i++) {
    const before = cells[i] as Cell;
    const after = cells[i + 1] as Cell;
    const b = before.hi;
    const day = Math.floor(b / DAY_MS) * DAY_MS;
    if (after.lo !== b || b % SLOT_MS !== 0 || b === day || before.lo > day || after.hi < day + DAY_MS || day + DAY_MS > g.closedBefore) continue;
    const head = cover(day, b, g);
    const tail = cover(b, day + DAY_MS, g);
    if (1 + Math.min(head.length, tail.length) >= head.length + tail.length) continue;
    const [direct, directCell, derived, derivedCell] = head.length <= tail.length ? [head, i, tail, i + 1] : [tail, i + 1, head, i];
    const split = splits.length;
    splits.push({ cell: derivedCell, cover: derived });
    use(DAY_MS, day, { cell: derivedCell, sign: 1, split });
    for (const [grain, slot] of direct) {
      use(grain, slot, { cell: directCell, sign: 1, split: -1 });
      use(grain, slot, { cell: derivedCell, sign: -1, split });
    }
    (spans[i] as Cell).hi = Math.min((spans[i] as Cell).hi, day);
    (spans[i + 1] as Cell).lo = Math.max((spans[i + 1] as Cell).lo, day + DAY_MS);
  }
}

/** The index of the last element of sorted `xs` that is ≤ x (xs[0] ≤ x). */
export function lastAtOrBefore(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((xs[mid] as number) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Merges ranges that follow each other within a cell (fewer, longer range scans). */
export function coalesce(ranges: Triple[]): Triple[] {
  const out: Triple[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && last[0] === r[0] && last[2] === r[1]) last[2] = r[2];
    else out.push([...r]);
  }
  return out;
}
