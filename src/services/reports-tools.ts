import type { Db } from '../db/sqlite/client.js';
import { invalid } from '../lib/app-error.js';
import { buckets, type Bucket } from '../lib/time-buckets.js';
import { iso } from '../lib/time.js';
import { and, rankSql, sessionScope, type Prepared, type Range, type ReportFilter } from './reports-common.js';

export type ToolsReportRow = {
  toolName: string;
  calls: number;
  errors: number;
  timeouts: number;
  errorRate: number | null;
  timeoutRate: number | null;
  avgDurationMs: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  p99DurationMs: number | null;
  maxDurationMs: number | null;
};

export type ToolsTimeseriesRow = {
  bucketStart: string;
  toolName: string;
  calls: number;
  errors: number;
  avgDurationMs: number | null;
  p95DurationMs: number | null;
};

export type ToolFilter = ReportFilter & { tool?: string };

/** Most buckets one time series may have (an hourly series of ~5.7 years). */
export const MAX_BUCKETS = 50_000;

export function toolScope(db: Db, filter: ToolFilter) {
  const scope = sessionScope(db, filter, 't.session_id', false);
  if (filter.tool !== undefined) {
    scope.where.push('t.tool_name = @tool');
    scope.params.tool = filter.tool;
  }
  return scope;
}

/**
 * The per-group figures of a set of tool calls, from one window (one sort) over `partition`:
 * row_number ranks the durations for the exact nearest-rank percentiles, and the whole-
 * partition aggregates ride on the same sort, so only the ≤ 3 ranked rows per group reach
 * the final GROUP BY. No row is sorted in JavaScript.
 */
function rankedCalls(partition: string, source: string, where: string, select: string, before = ''): string {
  return `
    with ${before}x as (
      select ${select}, t.duration_ms,
        row_number() over w as rn,
        count(*) over f as n,
        sum(t.status = 'error') over f as errors,
        sum(t.status = 'timeout') over f as timeouts,
        avg(t.duration_ms) over f as avgDurationMs,
        max(t.duration_ms) over f as maxDurationMs
      from ${source}
      where ${where}
      window w as (partition by ${partition} order by t.duration_ms), f as (w rows between unbounded preceding and unbounded following)
    )`;
}

const percentile = (p: number) => `max(case when rn = ${rankSql(p, 'n')} then duration_ms end)`;
const rankedOnly = `rn in (${rankSql(50, 'n')}, ${rankSql(95, 'n')}, ${rankSql(99, 'n')})`;

/**
 * Per tool, by calls descending; percentiles exact nearest-rank. The planner reads each
 * tool's time range from the covering tool_calls_tool_ts_idx in tool order (skip-scan), so
 * only each tool's durations are sorted.
 */
export function toolsReport(db: Db, prepared: Prepared, range: Range, filter: ToolFilter): ToolsReportRow[] {
  const scope = toolScope(db, filter);
  if (scope.none) return [];
  const where = `t.timestamp >= @from and t.timestamp < @to and ${and(scope.where)}`;
  const sqlText = `${rankedCalls('t.tool_name', 'tool_calls t', where, 't.tool_name')}
    select tool_name as toolName, n as calls, errors, timeouts,
      1.0 * errors / n as errorRate, 1.0 * timeouts / n as timeoutRate, avgDurationMs,
      ${percentile(50)} as p50DurationMs, ${percentile(95)} as p95DurationMs, ${percentile(99)} as p99DurationMs, maxDurationMs
    from x where ${rankedOnly}
    group by tool_name order by calls desc, tool_name`;
  return prepared(sqlText).all({ ...scope.params, from: range.from, to: range.to }) as ToolsReportRow[];
}

/** The buckets of the range, clipped to it, as the JSON the SQL reads with json_each. */
export function bucketTable(tz: string, unit: Parameters<typeof buckets>[1], range: Range): { json: string; list: Bucket[] } {
  let list: Bucket[];
  try {
    list = buckets(tz, unit, range.from, range.to, MAX_BUCKETS);
  } catch (err) {
    if (err instanceof RangeError) {
      throw invalid(`the range has more than ${MAX_BUCKETS} buckets; narrow from/to or use a larger interval`, [{ path: '/from', message: 'range too long for this interval' }]);
    }
    /* c8 ignore next */
    throw err;
  }
  const rows = list.map((b) => [b.start, Math.max(b.start, range.from), Math.min(b.end, range.to)]);
  return { json: JSON.stringify(rows), list };
}

/**
 * Per local bucket and tool. The bucket boundaries (local midnights or hours in tz) are
 * computed once and joined as a table: each bucket is one range scan of the covering index.
 */
export function toolsTimeseries(db: Db, prepared: Prepared, range: Range, filter: ToolFilter & { interval: 'hour' | 'day'; tz: string }): ToolsTimeseriesRow[] {
  const scope = toolScope(db, filter);
  if (scope.none || range.from === range.to) return [];
  const table = bucketTable(filter.tz, filter.interval, range);
  const buckets = 'b(bucket, lo, hi) as (select value ->> 0, value ->> 1, value ->> 2 from json_each(@buckets))';
  const source = 'b join tool_calls t on t.timestamp >= b.lo and t.timestamp < b.hi';
  const ranked = rankedCalls('b.bucket, t.tool_name', source, and(scope.where), 'b.bucket, t.tool_name', `${buckets}, `);
  const sqlText = `${ranked}
    select bucket, tool_name as toolName, n as calls, errors, avgDurationMs, ${percentile(95)} as p95DurationMs
    from x where rn in (${rankSql(95, 'n')})
    group by bucket, tool_name order by bucket, tool_name`;
  const rows = prepared(sqlText).all({ ...scope.params, buckets: table.json }) as Array<Omit<ToolsTimeseriesRow, 'bucketStart'> & { bucket: number }>;
  return rows.map(({ bucket, ...r }) => ({ bucketStart: iso(bucket), ...r }));
}
