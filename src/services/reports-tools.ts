import type { Db } from '../db/client.js';
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

function toolScope(db: Db, filter: ToolFilter) {
  const scope = sessionScope(db, filter, 't.session_id', false);
  if (filter.tool !== undefined) {
    scope.where.push('t.tool_name = @tool');
    scope.params.tool = filter.tool;
  }
  return scope;
}

/**
 * Per tool, by calls descending. Percentiles are exact nearest-rank: one window (one sort)
 * ranks each tool's durations inside SQLite and counts them, so no row is sorted in JavaScript. Without session
 * filters the scan reads only the covering index tool_calls_ts_tool_idx.
 */
export function toolsReport(db: Db, prepared: Prepared, range: Range, filter: ToolFilter): ToolsReportRow[] {
  const scope = toolScope(db, filter);
  if (scope.none) return [];
  const sqlText = `
    with x as (
      select t.tool_name, t.status, t.duration_ms,
        row_number() over w as rn,
        count(*) over (w rows between unbounded preceding and unbounded following) as n
      from tool_calls t
      where t.timestamp >= @from and t.timestamp < @to and ${and(scope.where)}
      window w as (partition by t.tool_name order by t.duration_ms)
    )
    select tool_name as toolName, count(*) as calls,
      sum(status = 'error') as errors, sum(status = 'timeout') as timeouts,
      1.0 * sum(status = 'error') / count(*) as errorRate,
      1.0 * sum(status = 'timeout') / count(*) as timeoutRate,
      avg(duration_ms) as avgDurationMs,
      max(case when rn = ${rankSql(50, 'n')} then duration_ms end) as p50DurationMs,
      max(case when rn = ${rankSql(95, 'n')} then duration_ms end) as p95DurationMs,
      max(case when rn = ${rankSql(99, 'n')} then duration_ms end) as p99DurationMs,
      max(duration_ms) as maxDurationMs
    from x group by tool_name order by calls desc, tool_name`;
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
  const sqlText = `
    with b(bucket, lo, hi) as (select value ->> 0, value ->> 1, value ->> 2 from json_each(@buckets)),
    x as (
      select b.bucket, t.tool_name, t.status, t.duration_ms,
        row_number() over w as rn,
        count(*) over (w rows between unbounded preceding and unbounded following) as n
      from b join tool_calls t on t.timestamp >= b.lo and t.timestamp < b.hi
      where ${and(scope.where)}
      window w as (partition by b.bucket, t.tool_name order by t.duration_ms)
    )
    select bucket, tool_name as toolName, count(*) as calls, sum(status = 'error') as errors,
      avg(duration_ms) as avgDurationMs,
      max(case when rn = ${rankSql(95, 'n')} then duration_ms end) as p95DurationMs
    from x group by bucket, tool_name order by bucket, tool_name`;
  const rows = prepared(sqlText).all({ ...scope.params, buckets: table.json }) as Array<Omit<ToolsTimeseriesRow, 'bucketStart'> & { bucket: number }>;
  return rows.map(({ bucket, ...r }) => ({ bucketStart: iso(bucket), ...r }));
}
