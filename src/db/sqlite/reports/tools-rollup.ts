import { bucketOf, pairsOf, pairsOfMap, percentilesOfParts } from '../../../lib/latency-histogram.js';
import { DAY_MS, GRAINS } from '../../../lib/rollup-grains.js';
import { coalesce, lastAtOrBefore, plan, type Cell, type Plan, type RollupReading, type Split, type Triple, type Use } from '../../../lib/rollup-plan.js';
import type { TimeBucket, ToolsReportRow, ToolsTimeseriesCell } from '../../store.js';
import { and, type Params, type Prepared } from './common.js';
import type { ToolScope } from './tools-raw.js';

export type { RollupReading } from '../../../lib/rollup-plan.js';

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

/**
 * A cell's figures; its histogram as the stored pieces' pairs (minus those of pieces taken
 * out of a split day) plus the raw calls' buckets, merged once at the end.
 */
type Acc = { calls: number; errors: number; timeouts: number; sum: number; max: number; parts: Uint32Array[]; minus: Uint32Array[]; raw: Map<number, number> | null };

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
      acc = { calls: 0, errors: 0, timeouts: 0, sum: 0, max: 0, parts: [], minus: [], raw: null };
      byCell[cell] = acc;
    }
    return acc;
  }

  get(cell: number, tool: string): Acc | undefined {
    const t = this.toolIndex.get(tool);
    return t === undefined ? undefined : this.accs[t]?.[cell];
  }

  /** Tool indexes in SQLite's order of their names. */
  toolOrder(): number[] {
    return this.tools.map((_, i) => i).sort((a, b) => byBytes(this.tools[a] as string, this.tools[b] as string));
  }
}

const TRIPLES = 'p(k, a, b) as (select value ->> 0, value ->> 1, value ->> 2 from json_each(@pieces))';

/** The summary scope a filter can read, null when it needs slot-level detail. */
function summaryScope(filter: ToolScope): { scope: string | null; profileId?: number } {
  const { profileId } = filter;
  const base = profileId === undefined ? {} : { profileId };
  if (profileId !== undefined && filter.project !== undefined) return { scope: null, ...base };
  if (profileId !== undefined) return { scope: `profile:${profileId}`, ...base };
  if (filter.project !== undefined) return { scope: `project:${filter.project}` };
  return { scope: '' };
}

type RollupRow = [number, string, number, number, number, number, number, Uint8Array];
type Scope = { scope: string | null; profileId?: number };
/** Per split day and tool: the day's max and the largest max of the pieces taken out of it. */
type SplitMax = { day: Map<string, number>; taken: Map<string, number> };

const COLUMNS = 'p.k, r.tool_name, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max, r.histogram';
const toolWhere = (filter: ToolScope, column: string) => (filter.tool === undefined ? '' : ` and ${column} = @tool`);
const toolParam = (filter: ToolScope): Params => (filter.tool === undefined ? {} : { tool: filter.tool });

/** The profile and project conditions on `alias`'s profile_id and project columns, with the tool parameter. */
function dimensions(scope: Scope, filter: ToolScope, alias: string): { where: string[]; params: Params } {
  const where: string[] = [];
  const params: Params = toolParam(filter);
  if (scope.profileId !== undefined) {
    where.push(`${alias}.profile_id = @profileId`);
    params.profileId = scope.profileId;
  }
  if (filter.project !== undefined) {
    where.push(`${alias}.project = @project`);
    params.project = filter.project;
  }
  return { where, params };
}

/** Adds (or, sign −1, takes out) one stored row; a split day's maxima are kept aside for settleSplitMaxima. */
function addRow(out: CellTable, u: Use, [, tool, calls, errors, timeouts, sum, max]: RollupRow, pairs: Uint32Array, splitMax: SplitMax[]): void {
  const acc = out.at(u.cell, tool);
  acc.calls += u.sign * calls;
  acc.errors += u.sign * errors;
  acc.timeouts += u.sign * timeouts;
  acc.sum += u.sign * sum;
  (u.sign > 0 ? acc.parts : acc.minus).push(pairs);
  if (u.split < 0) acc.max = Math.max(acc.max, max);
  else if (u.sign > 0) splitMax[u.split]?.day.set(tool, max);
  else {
    const taken = splitMax[u.split]?.taken as Map<string, number>;
    taken.set(tool, Math.max(taken.get(tool) ?? 0, max));
  }
}

/** Every summary piece of the plan, each row added to (or taken from) the cells that use it. */
function readSummaries(prepared: Prepared, out: CellTable, { pieces, splits }: Plan, scope: string, filter: ToolScope): SplitMax[] {
  const splitMax = splits.map(() => ({ day: new Map<string, number>(), taken: new Map<string, number>() }));
  if (pieces.length === 0) return splitMax;
  const rows = prepared(`with ${TRIPLES} select ${COLUMNS} from p join tool_call_summaries r on r.grain = p.a and r.scope = @scope and r.slot_start = p.b where true${toolWhere(filter, 'r.tool_name')}`);
  const triples = pieces.map((x, i) => [i, x.grain, x.slot]);
  for (const row of rows.raw().iterate({ ...toolParam(filter), scope, pieces: JSON.stringify(triples) }) as Iterable<RollupRow>) {
    const pairs = pairsOf(row[7]);
    for (const u of (pieces[row[0]] as Plan['pieces'][number]).uses) addRow(out, u, row, pairs, splitMax);
  }
  return splitMax;
}

/**
 * A split day's max belongs to the larger side when it is above everything taken out; else
 * that side's own pieces tell (a max-only read, for those cells and tools).
 */
function settleSplitMaxima(prepared: Prepared, out: CellTable, splits: Split[], splitMax: SplitMax[], scope: string): void {
  const unsure = splits.map(() => new Set<string>());
  splits.forEach((split, i) => {
    const { day, taken } = splitMax[i] as SplitMax;
    for (const [tool, max] of day) {
      const acc = out.get(split.cell, tool) as Acc;
      if (acc.calls <= 0) continue;
      if (max > (taken.get(tool) ?? -1)) acc.max = Math.max(acc.max, max);
      else unsure[i]?.add(tool);
    }
  });
  const lookups = splits.flatMap((split, i) => [...(unsure[i] as Set<string>)].flatMap((tool) => split.cover.map(([grain, slot]) => [i, grain, slot, tool])));
  if (lookups.length === 0) return;
  const maxima = prepared(`with q(k, a, b, tool) as (select value ->> 0, value ->> 1, value ->> 2, value ->> 3 from json_each(@lookups))
    select q.k, q.tool, r.duration_max from q join tool_call_summaries r on r.grain = q.a and r.scope = @scope and r.slot_start = q.b and r.tool_name = q.tool`);
  for (const [i, tool, max] of maxima.raw().iterate({ scope, lookups: JSON.stringify(lookups) }) as Iterable<[number, string, number]>) {
    const acc = out.get((splits[i] as Split).cell, tool) as Acc;
    acc.max = Math.max(acc.max, max);
  }
}

/** Slot-level ranges before rawFrom, from the slot rollups. */
function readSlotRollups(prepared: Prepared, out: CellTable, slots: Triple[], scope: Scope, filter: ToolScope): void {
  if (slots.length === 0) return;
  const { where, params } = dimensions(scope, filter, 'r');
  const rows = prepared(`with ${TRIPLES} select ${COLUMNS}
    from p join tool_call_slot_rollups r on r.slot_start >= p.a and r.slot_start < p.b where ${and(where)}${toolWhere(filter, 'r.tool_name')}`);
  for (const row of rows.raw().iterate({ ...params, pieces: JSON.stringify(coalesce(slots)) }) as Iterable<RollupRow>) {
    addRow(out, { cell: row[0], sign: 1, split: -1 }, row, pairsOf(row[7]), []);
  }
}

/** Raw ranges: the partial slots at the range's ends, and slot-level ranges whose raw rows are all still stored. */
function readRaw(prepared: Prepared, out: CellTable, raw: Triple[], scope: Scope, filter: ToolScope): void {
  if (raw.length === 0) return;
  // The pieces drive (CROSS JOIN keeps that order): each is a range scan of the time index; with
  // a profile or project each call's session is looked up by its key (scoped reads take only the
  // partial slots at the range's ends from raw rows, so a piece holds minutes of calls, where a
  // seek per session of the project grew with the sessions). Left to itself the planner read
  // every call of the project's sessions.
  const { where, params } = dimensions(scope, filter, 's');
  const source = where.length === 0 ? 'p cross join tool_calls t' : 'p cross join tool_calls t cross join sessions s on s.id = t.session_id';
  // Adjacent pieces of different cells are read as one range; each row finds its cell after.
  const pieces = [...raw].sort((x, y) => x[1] - y[1]);
  const starts = pieces.map((x) => x[1]);
  const ranges = coalesce(pieces.map(([, a, b]) => [0, a, b] as Triple));
  const rows = prepared(`with ${TRIPLES}
    select t.timestamp, t.tool_name, t.status, t.duration_ms from ${source}
    where t.timestamp >= p.a and t.timestamp < p.b and ${and(where)}${toolWhere(filter, 't.tool_name')}`);
  for (const [ts, tool, status, d] of rows.raw().iterate({ ...params, pieces: JSON.stringify(ranges) }) as Iterable<[number, string, string, number]>) {
    const acc = out.at((pieces[lastAtOrBefore(starts, ts)] as Triple)[0], tool);
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

/** Accumulates every cell × tool from the summaries, the slot rollups and raw rows. */
function accumulate(prepared: Prepared, filter: ToolScope, cells: Cell[], reading: RollupReading): CellTable {
  const out = new CellTable(cells.length);
  const scope = summaryScope(filter);
  const grains: readonly number[] = scope.scope === '' ? GRAINS : scope.scope === null ? [] : [DAY_MS];
  // A scoped report has day summaries only: the rest of a cell is slot level, and its whole slots
  // come from the slot rollups (settled, so the same figures as the raw rows), not from raw rows.
  const rawFrom = scope.scope === '' ? reading.rawFrom : Number.POSITIVE_INFINITY;
  const cut = plan(cells, grains, { ...reading, rawFrom, offsetHours: reading.offsetHours && scope.scope === '' });
  if (scope.scope !== null) {
    const splitMax = readSummaries(prepared, out, cut, scope.scope, filter);
    settleSplitMaxima(prepared, out, cut.splits, splitMax, scope.scope);
  }
  readSlotRollups(prepared, out, cut.slots, scope, filter);
  readRaw(prepared, out, cut.raw, scope, filter);
  return out;
}

function cellPercentiles(acc: Acc, ps: readonly number[]): Array<number | null> {
  return percentilesOfParts(acc.raw ? [...acc.parts, pairsOfMap(acc.raw)] : acc.parts, ps, acc.max, acc.minus);
}

export function toolsReportFromRollups(prepared: Prepared, filter: ToolScope, reading: RollupReading): ToolsReportRow[] {
  const table = accumulate(prepared, filter, [{ lo: filter.from, hi: filter.to }], reading);
  const rows: Array<ToolsReportRow & { rank: number }> = [];
  table.toolOrder().forEach((t, rank) => {
    const acc = table.accs[t]?.[0];
    if (!acc || acc.calls <= 0) return;
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

export function toolsTimeseriesFromRollups(prepared: Prepared, filter: ToolScope & { buckets: TimeBucket[] }, reading: RollupReading): ToolsTimeseriesCell[] {
  if (filter.from === filter.to) return [];
  const list = filter.buckets;
  const table = accumulate(prepared, filter, list.map((b) => ({ lo: Math.max(b.start, filter.from), hi: Math.min(b.end, filter.to) })), reading);
  const order = table.toolOrder();
  const rows: ToolsTimeseriesCell[] = [];
  list.forEach((bucket, cell) => {
    for (const t of order) {
      const acc = table.accs[t]?.[cell];
      // A split day's larger side can leave a tool with no calls in a cell.
      if (!acc || acc.calls <= 0) continue;
      rows.push({
        bucket: bucket.start,
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
