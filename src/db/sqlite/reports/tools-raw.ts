import type { ReportScope, TimeBucket, ToolsReportRow, ToolsTimeseriesCell } from '../../store.js';
import { and, bucketJson, rankSql, sessionScope, type Prepared } from './common.js';

export type ToolScope = ReportScope & { tool?: string };

export function toolScope(filter: ToolScope) {
  const scope = sessionScope(filter, 't.session_id', false);
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
export function toolsReport(prepared: Prepared, filter: ToolScope): ToolsReportRow[] {
  const scope = toolScope(filter);
  const where = `t.timestamp >= @from and t.timestamp < @to and ${and(scope.where)}`;
  const sqlText = `${rankedCalls('t.tool_name', 'tool_calls t', where, 't.tool_name')}
    select tool_name as toolName, n as calls, errors, timeouts,
      1.0 * errors / n as errorRate, 1.0 * timeouts / n as timeoutRate, avgDurationMs,
      ${percentile(50)} as p50DurationMs, ${percentile(95)} as p95DurationMs, ${percentile(99)} as p99DurationMs, maxDurationMs
    from x where ${rankedOnly}
    group by tool_name order by calls desc, tool_name`;
  return prepared(sqlText).all({ ...scope.params, from: filter.from, to: filter.to }) as ToolsReportRow[];
}

/**
 * Per local bucket and tool. The bucket boundaries (local midnights or hours in tz) are
 * computed once and joined as a table: each bucket is one range scan of the covering index.
 */
export function toolsTimeseries(prepared: Prepared, filter: ToolScope & { buckets: TimeBucket[] }): ToolsTimeseriesCell[] {
  const scope = toolScope(filter);
  if (filter.from === filter.to) return [];
  const buckets = 'b(bucket, lo, hi) as (select value ->> 0, value ->> 1, value ->> 2 from json_each(@buckets))';
  const source = 'b join tool_calls t on t.timestamp >= b.lo and t.timestamp < b.hi';
  const ranked = rankedCalls('b.bucket, t.tool_name', source, and(scope.where), 'b.bucket, t.tool_name', `${buckets}, `);
  const sqlText = `${ranked}
    select bucket, tool_name as toolName, n as calls, errors, avgDurationMs, ${percentile(95)} as p95DurationMs
    from x where rn in (${rankSql(95, 'n')})
    group by bucket, tool_name order by bucket, tool_name`;
  return prepared(sqlText).all({ ...scope.params, buckets: bucketJson(filter.buckets, filter) }) as ToolsTimeseriesCell[];
}
