import type { Db } from '../db/client.js';
import { bucketOf, percentiles } from '../lib/latency-histogram.js';
import { iso } from '../lib/time.js';
import { findProfile } from './profiles.js';
import { and, type Params, type Prepared, type Range } from './reports-common.js';
import { bucketTable, toolScope, type ToolFilter, type ToolsReportRow, type ToolsTimeseriesRow } from './reports-tools.js';
import { SLOT_MS } from './rollups.js';

/**
 * The tool reports from rollups (issue 9). A report cell (the whole range, or one local hour or
 * day) is cut into the whole 15-minute slots inside it, read from the rollups, and the partial
 * slots at its edges, read from raw rows; so counts, sums, rates, averages and max are exactly
 * the raw figures, and percentiles come from the merged histogram (within 1 %). Local hours and
 * days of every real zone start on slot boundaries, so only the range's own ends have edges.
 */

type Span = { key: number; lo: number; hi: number };
type Acc = { calls: number; errors: number; timeouts: number; sum: number; max: number; hist: Array<[number, number]> };

const spansJson = (spans: Array<[number, number, number]>) => JSON.stringify(spans);
const SPANS = 'b(k, lo, hi) as (select value ->> 0, value ->> 1, value ->> 2 from json_each(@spans))';

/** Whole slots of each cell (for the rollups) and the partial ones at its edges (for raw rows). */
function split(cells: Span[]): { inner: Array<[number, number, number]>; edges: Array<[number, number, number]> } {
  const inner: Array<[number, number, number]> = [];
  const edges: Array<[number, number, number]> = [];
  for (const { key, lo, hi } of cells) {
    if (lo >= hi) continue;
    const ilo = Math.ceil(lo / SLOT_MS) * SLOT_MS;
    const ihi = Math.floor(hi / SLOT_MS) * SLOT_MS;
    if (ilo >= ihi) {
      edges.push([key, lo, hi]);
      continue;
    }
    inner.push([key, ilo, ihi]);
    if (lo < ilo) edges.push([key, lo, ilo]);
    if (ihi < hi) edges.push([key, ihi, hi]);
  }
  return { inner, edges };
}

/** Filters on the rollups' own columns; null when the profile is unknown (no rows). */
function rollupScope(db: Db, filter: ToolFilter): { where: string[]; params: Params } | null {
  const where: string[] = [];
  const params: Params = {};
  if (filter.profile !== undefined) {
    const profile = findProfile(db, filter.profile);
    if (!profile) return null;
    where.push('r.profile_id = @profileId');
    params.profileId = profile.id;
  }
  if (filter.project !== undefined) {
    where.push('r.project = @project');
    params.project = filter.project;
  }
  if (filter.tool !== undefined) {
    where.push('r.tool_name = @tool');
    params.tool = filter.tool;
  }
  return { where, params };
}

/** Accumulates every cell × tool from the rollups and the raw edges. */
function accumulate(db: Db, prepared: Prepared, filter: ToolFilter, cells: Span[]): Map<string, { key: number; tool: string; acc: Acc }> {
  const out = new Map<string, { key: number; tool: string; acc: Acc }>();
  const scope = rollupScope(db, filter);
  if (!scope) return out;
  const accOf = (key: number, tool: string): Acc => {
    const id = `${key}\u0000${tool}`;
    let cell = out.get(id);
    if (!cell) {
      cell = { key, tool, acc: { calls: 0, errors: 0, timeouts: 0, sum: 0, max: 0, hist: [] } };
      out.set(id, cell);
    }
    return cell.acc;
  };
  const { inner, edges } = split(cells);
  if (inner.length > 0) {
    const where = and(scope.where);
    const params = { ...scope.params, spans: spansJson(inner) };
    const counters = prepared(`with ${SPANS}
      select b.k as k, r.tool_name as tool, r.status as status, sum(r.calls) as calls, total(r.duration_sum) as total, max(r.duration_max) as max
      from b join tool_call_rollups r on r.slot_start >= b.lo and r.slot_start < b.hi
      where ${where} group by b.k, r.tool_name, r.status`);
    for (const row of counters.iterate(params) as Iterable<{ k: number; tool: string; status: string; calls: number; total: number; max: number }>) {
      const acc = accOf(row.k, row.tool);
      acc.calls += row.calls;
      if (row.status === 'error') acc.errors += row.calls;
      else if (row.status === 'timeout') acc.timeouts += row.calls;
      acc.sum += row.total;
      acc.max = Math.max(acc.max, row.max);
    }
    const histogram = prepared(`with ${SPANS}
      select b.k as k, r.tool_name as tool, r.bucket as bucket, sum(r.count) as count
      from b join tool_call_latency_buckets r on r.slot_start >= b.lo and r.slot_start < b.hi
      where ${where} group by b.k, r.tool_name, r.bucket`);
    for (const row of histogram.raw().iterate(params) as Iterable<[number, string, number, number]>) accOf(row[0], row[1]).hist.push([row[2], row[3]]);
  }
  if (edges.length > 0) {
    const raw = toolScope(db, filter);
    const rows = prepared(`with ${SPANS}
      select b.k, t.tool_name, t.status, t.duration_ms from b join tool_calls t on t.timestamp >= b.lo and t.timestamp < b.hi
      where ${and(raw.where)}`);
    for (const [k, tool, status, d] of rows.raw().iterate({ ...raw.params, spans: spansJson(edges) }) as Iterable<[number, string, string, number]>) {
      const acc = accOf(k, tool);
      acc.calls += 1;
      if (status === 'error') acc.errors += 1;
      else if (status === 'timeout') acc.timeouts += 1;
      acc.sum += d;
      acc.max = Math.max(acc.max, d);
      acc.hist.push([bucketOf(d), 1]);
    }
  }
  return out;
}

/** SQLite orders text by its UTF-8 bytes (BINARY); JavaScript's < by UTF-16 code units. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function toolsReportFromRollups(db: Db, prepared: Prepared, range: Range, filter: ToolFilter): ToolsReportRow[] {
  const cells = accumulate(db, prepared, filter, [{ key: 0, lo: range.from, hi: range.to }]);
  const rows: ToolsReportRow[] = [];
  for (const { tool, acc } of cells.values()) {
    const [p50, p95, p99] = percentiles(acc.hist, [50, 95, 99], acc.max);
    rows.push({
      toolName: tool,
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
    });
  }
  return rows.sort((a, b) => b.calls - a.calls || byBytes(a.toolName, b.toolName));
}

export function toolsTimeseriesFromRollups(db: Db, prepared: Prepared, range: Range, filter: ToolFilter & { interval: 'hour' | 'day'; tz: string }): ToolsTimeseriesRow[] {
  if (range.from === range.to) return [];
  const { list } = bucketTable(filter.tz, filter.interval, range);
  const cells = accumulate(db, prepared, filter, list.map((b) => ({ key: b.start, lo: Math.max(b.start, range.from), hi: Math.min(b.end, range.to) })));
  const sorted = [...cells.values()].sort((a, b) => a.key - b.key || byBytes(a.tool, b.tool));
  return sorted.map(({ key, tool, acc }) => ({
    bucketStart: iso(key),
    toolName: tool,
    calls: acc.calls,
    errors: acc.errors,
    avgDurationMs: acc.sum / acc.calls,
    p95DurationMs: percentiles(acc.hist, [95], acc.max)[0] ?? null,
  }));
}
