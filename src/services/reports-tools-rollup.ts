import type { Db } from '../db/client.js';
import { bucketOf, pairsOf, pairsOfMap, percentilesOfParts } from '../lib/latency-histogram.js';
import { iso } from '../lib/time.js';
import { findProfile } from './profiles.js';
import { and, type Params, type Prepared, type Range } from './reports-common.js';
import { bucketTable, type ToolFilter, type ToolsReportRow, type ToolsTimeseriesRow } from './reports-tools.js';
import { DAY_MS, GRAINS, HOUR_MS, isOffsetHourStart, SLOT_MS } from './rollups-sql.js';

/**
 * The tool reports from rollups (issue 9). A report cell (the whole range, or one local hour or
 * day) is cut into the largest UTC-aligned pieces that fit: whole days, 6, 3 and 1 hours
 * (also hours from half past), half hours and 15-minute slots of the summaries, so 30 days cost
 * ~30 rows per tool. Local hours
 * and days of every real zone start on slot boundaries, so only the range's own ends leave
 * partial slots: those come from raw rows. Counts, sums, rates, averages and max are exactly the raw figures; percentiles
 * come from the merged histograms (within 1 %).
 *
 * Which summaries a filter can use: none → every grain of the '' scope; a profile or a project
 * alone → the days of that scope, and the rest of the cell at slot level; both → slot level
 * only. Slot level means raw rows where they are all still stored, the slot rollups before that.
 */

/** A cell's figures; its histogram as the stored pieces' pairs plus the raw calls' buckets, merged once at the end. */
type Acc = { calls: number; errors: number; timeouts: number; sum: number; max: number; parts: Uint32Array[]; raw: Map<number, number> | null };
type Cell = { lo: number; hi: number };
/** [cell index, lo, hi] for range joins; [cell index, grain, slot] for summary lookups. */
type Triple = [number, number, number];

/** SQLite orders text by its UTF-8 bytes (BINARY); JavaScript's < by UTF-16 code units. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Every cell × tool of a report, indexed by tool then cell (no per-row key strings). */
class CellTable {
  private readonly toolIndex = new Map<string, number>();
  readonly tools: string[] = [];
  readonly accs: Array<Array<Acc | undefined>> = [];

  constructor(readonly cells: number) {}

  at(cell: number, tool: string): Acc {
    let t = this.toolIndex.get(tool);
    if (t === undefined) {
      t = this.tools.length;
      this.toolIndex.set(tool, t);
      this.tools.push(tool);
      this.accs.push(new Array<Acc | undefined>(this.cells));
    }
    const byCell = this.accs[t] as Array<Acc | undefined>;
    let acc = byCell[cell];
    if (!acc) {
      acc = { calls: 0, errors: 0, timeouts: 0, sum: 0, max: 0, parts: [], raw: null };
      byCell[cell] = acc;
    }
    return acc;
  }

  /** Tool indexes in SQLite's order of their names. */
  toolOrder(): number[] {
    return this.tools.map((_, i) => i).sort((a, b) => byBytes(this.tools[a] as string, this.tools[b] as string));
  }
}

const TRIPLES = 'p(k, a, b) as (select value ->> 0, value ->> 1, value ->> 2 from json_each(@pieces))';

/** The summary scope a filter can read, null when it needs slot-level detail, undefined when it matches nothing. */
function summaryScope(db: Db, filter: ToolFilter): { scope: string | null; profileId?: number } | undefined {
  let profileId: number | undefined;
  if (filter.profile !== undefined) {
    const profile = findProfile(db, filter.profile);
    if (!profile) return undefined;
    profileId = profile.id;
  }
  const base = profileId === undefined ? {} : { profileId };
  if (profileId !== undefined && filter.project !== undefined) return { scope: null, ...base };
  if (profileId !== undefined) return { scope: `profile:${profileId}`, ...base };
  if (filter.project !== undefined) return { scope: `project:${filter.project}` };
  return { scope: '' };
}

type Plan = { summaries: Triple[]; slots: Triple[]; raw: Triple[] };

/**
 * How the rollups can be read: `rawFrom`, the first slot from which every raw row is still
 * stored (slot level reads raw rows from there on); `offsetHours`, whether the summaries have
 * their half-past hours yet (an upgraded layout: see SUMMARY_LAYOUT).
 */
export type RollupReading = { rawFrom: number; offsetHours: boolean };

/** Cuts the cells into summary pieces (of `grains`, and half-past hours when offsetHours), slot-rollup ranges and raw ranges. */
function plan(cells: Cell[], grains: readonly number[], { rawFrom, offsetHours }: RollupReading): Plan {
  const out: Plan = { summaries: [], slots: [], raw: [] };
  const detail = (cell: number, lo: number, hi: number) => {
    if (lo < rawFrom) out.slots.push([cell, lo, Math.min(hi, rawFrom)]);
    if (hi > rawFrom) out.raw.push([cell, Math.max(lo, rawFrom), hi]);
  };
  cells.forEach(({ lo, hi }, cell) => {
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
      const grain = offsetHours && isOffsetHourStart(t) && t + HOUR_MS <= ihi ? HOUR_MS : grains.find((g) => t % g === 0 && t + g <= ihi);
      if (grain !== undefined) {
        out.summaries.push([cell, grain, t]);
        t += grain;
        continue;
      }
      // No summary piece starts here: slot level up to where the coarsest grain could start.
      const coarsest = grains[0] ?? ihi;
      const next = Math.min(ihi, Math.floor(t / coarsest) * coarsest + coarsest);
      detail(cell, t, next);
      t = next;
    }
  });
  return out;
}

/** Merges pieces that follow each other within a cell (fewer, longer range scans). */
/** The index of the last element of sorted `xs` that is ≤ x (xs[0] ≤ x). */
function lastAtOrBefore(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((xs[mid] as number) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function coalesce(ranges: Triple[]): Triple[] {
  const out: Triple[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && last[0] === r[0] && last[2] === r[1]) last[2] = r[2];
    else out.push([...r]);
  }
  return out;
}

type RollupRow = [number, string, number, number, number, number, number, Uint8Array];

/** Accumulates every cell × tool from the summaries, the slot rollups and raw rows. */
function accumulate(db: Db, prepared: Prepared, filter: ToolFilter, cells: Cell[], reading: RollupReading): CellTable {
  const out = new CellTable(cells.length);
  const scope = summaryScope(db, filter);
  if (!scope) return out;
  const accOf = (cell: number, tool: string): Acc => out.at(cell, tool);
  const addRow = ([k, tool, calls, errors, timeouts, sum, max, histogram]: RollupRow) => {
    const acc = accOf(k, tool);
    acc.calls += calls;
    acc.errors += errors;
    acc.timeouts += timeouts;
    acc.sum += sum;
    acc.max = Math.max(acc.max, max);
    acc.parts.push(pairsOf(histogram));
  };
  const grains: readonly number[] = scope.scope === '' ? GRAINS : scope.scope === null ? [] : [DAY_MS];
  const { summaries, slots, raw } = plan(cells, grains, { rawFrom: reading.rawFrom, offsetHours: reading.offsetHours && scope.scope === '' });
  const toolWhere = filter.tool === undefined ? '' : ' and r.tool_name = @tool';
  const toolParam: Params = filter.tool === undefined ? {} : { tool: filter.tool };
  const COLUMNS = 'p.k, r.tool_name, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max, r.histogram';
  if (summaries.length > 0) {
    const rows = prepared(`with ${TRIPLES} select ${COLUMNS}
      from p join tool_call_summaries r on r.grain = p.a and r.scope = @scope and r.slot_start = p.b where true${toolWhere}`);
    for (const row of rows.raw().iterate({ ...toolParam, scope: scope.scope, pieces: JSON.stringify(summaries) })) addRow(row as RollupRow);
  }
  if (slots.length > 0) {
    const where = [...(scope.profileId === undefined ? [] : ['r.profile_id = @profileId']), ...(filter.project === undefined ? [] : ['r.project = @project'])];
    const params: Params = { ...toolParam, ...(scope.profileId === undefined ? {} : { profileId: scope.profileId }), ...(filter.project === undefined ? {} : { project: filter.project }) };
    const rows = prepared(`with ${TRIPLES} select ${COLUMNS}
      from p join tool_call_slot_rollups r on r.slot_start >= p.a and r.slot_start < p.b where ${and(where)}${toolWhere}`);
    for (const row of rows.raw().iterate({ ...params, pieces: JSON.stringify(coalesce(slots)) })) addRow(row as RollupRow);
  }
  if (raw.length > 0) {
    // The pieces drive (CROSS JOIN keeps that order): each is a range scan of the time index, or
    // with a profile or project, a range seek per matching session on (session_id, timestamp);
    // left to itself the planner read every call of the project's sessions.
    const where: string[] = [];
    const params: Params = { ...toolParam };
    if (scope.profileId !== undefined) {
      where.push('s.profile_id = @profileId');
      params.profileId = scope.profileId;
    }
    if (filter.project !== undefined) {
      where.push('s.project = @project');
      params.project = filter.project;
    }
    const source = where.length === 0 ? 'p cross join tool_calls t' : 'p cross join sessions s cross join tool_calls t on t.session_id = s.id';
    // Adjacent pieces of different cells are read as one range; each row finds its cell after.
    const pieces = [...raw].sort((x, y) => x[1] - y[1]);
    const starts = pieces.map((x) => x[1]);
    const ranges = coalesce(pieces.map(([, a, b]) => [0, a, b] as Triple));
    const rows = prepared(`with ${TRIPLES}
      select t.timestamp, t.tool_name, t.status, t.duration_ms from ${source}
      where t.timestamp >= p.a and t.timestamp < p.b and ${and(where)}${toolWhere.replace('r.tool_name', 't.tool_name')}`);
    for (const [ts, tool, status, d] of rows.raw().iterate({ ...params, pieces: JSON.stringify(ranges) }) as Iterable<[number, string, string, number]>) {
      const acc = accOf((pieces[lastAtOrBefore(starts, ts)] as Triple)[0], tool);
      acc.calls += 1;
      if (status === 'error') acc.errors += 1;
      else if (status === 'timeout') acc.timeouts += 1;
      acc.sum += d;
      acc.max = Math.max(acc.max, d);
      const b = bucketOf(d);
      acc.raw ??= new Map();
      acc.raw.set(b, (acc.raw.get(b) ?? 0) + 1);
    }
  }
  return out;
}

function cellPercentiles(acc: Acc, ps: readonly number[]): Array<number | null> {
  return percentilesOfParts(acc.raw ? [...acc.parts, pairsOfMap(acc.raw)] : acc.parts, ps, acc.max);
}

export function toolsReportFromRollups(db: Db, prepared: Prepared, range: Range, filter: ToolFilter, reading: RollupReading): ToolsReportRow[] {
  const table = accumulate(db, prepared, filter, [{ lo: range.from, hi: range.to }], reading);
  const rows: Array<ToolsReportRow & { rank: number }> = [];
  table.toolOrder().forEach((t, rank) => {
    const acc = table.accs[t]?.[0];
    if (!acc) return;
    const [p50, p95, p99] = cellPercentiles(acc, [50, 95, 99]);
    rows.push({
      toolName: table.tools[t] as string,
      calls: acc.calls,
      errors: acc.errors,
      timeouts: acc.timeouts,
      errorRate: acc.errors / acc.calls,
      timeoutRate: acc.timeouts / acc.calls,
      avgDurationMs: acc.sum / acc.calls,
      p50DurationMs: p50 ?? null,
      p95DurationMs: p95 ?? null,
      p99DurationMs: p99 ?? null,
      maxDurationMs: acc.max,
      rank,
    });
  });
  return rows.sort((a, b) => b.calls - a.calls || a.rank - b.rank).map(({ rank: _, ...row }) => row);
}

export function toolsTimeseriesFromRollups(
  db: Db,
  prepared: Prepared,
  range: Range,
  filter: ToolFilter & { interval: 'hour' | 'day'; tz: string },
  reading: RollupReading,
): ToolsTimeseriesRow[] {
  if (range.from === range.to) return [];
  const { list } = bucketTable(filter.tz, filter.interval, range);
  const table = accumulate(db, prepared, filter, list.map((b) => ({ lo: Math.max(b.start, range.from), hi: Math.min(b.end, range.to) })), reading);
  const order = table.toolOrder();
  const rows: ToolsTimeseriesRow[] = [];
  list.forEach((bucket, cell) => {
    let bucketStart: string | undefined;
    for (const t of order) {
      const acc = table.accs[t]?.[cell];
      if (!acc) continue;
      bucketStart ??= iso(bucket.start);
      rows.push({
        bucketStart,
        toolName: table.tools[t] as string,
        calls: acc.calls,
        errors: acc.errors,
        avgDurationMs: acc.sum / acc.calls,
        p95DurationMs: cellPercentiles(acc, [95])[0] ?? null,
      });
    }
  });
  return rows;
}
