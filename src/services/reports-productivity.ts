import type { Db } from '../db/client.js';
import { iso } from '../lib/time.js';
import { and, sessionScope, type Prepared, type Range, type ReportFilter } from './reports-common.js';
import { bucketTable } from './reports-tools.js';

type Figures = { eventCount: number; avgTimeSaved: number | null; avgImprovement: number | null; totalTimeSaved: number };
export type ProductivityReportRow = { period: string; eventType: string } & Figures;
export type ProductivityTotals = Figures;

export type ProductivityFilter = ReportFilter & { groupBy: 'day' | 'week' | 'month'; tz: string; eventType?: string };

type SqlRow = ProductivityReportRow & { bucket: number; improvementSum: number | null; improvementCount: number };

/**
 * The productivity_summary view's figures per local period (day, ISO week or month in tz) and
 * event type, plus totals over every matching event, from one SQL pass: the periods are a
 * joined table of boundaries, each a range scan of the covering productivity_events_created_idx.
 */
export function productivityReport(db: Db, prepared: Prepared, range: Range, filter: ProductivityFilter): { rows: ProductivityReportRow[]; totals: ProductivityTotals } {
  const empty = { rows: [], totals: { eventCount: 0, avgTimeSaved: null, avgImprovement: null, totalTimeSaved: 0 } };
  const scope = sessionScope(db, filter, 'e.session_id', false);
  if (scope.none || range.from === range.to) return empty;
  if (filter.eventType !== undefined) {
    scope.where.push('e.event_type = @eventType');
    scope.params.eventType = filter.eventType;
  }
  const table = bucketTable(filter.tz, filter.groupBy, range);
  const sqlText = `
    with b(bucket, lo, hi) as (select value ->> 0, value ->> 1, value ->> 2 from json_each(@buckets))
    select b.bucket, e.event_type as eventType, count(*) as eventCount,
      avg(e.time_saved) as avgTimeSaved, avg(e.improvement_percentage) as avgImprovement,
      sum(e.time_saved) as totalTimeSaved,
      sum(e.improvement_percentage) as improvementSum, count(e.improvement_percentage) as improvementCount
    from b join productivity_events e on e.created_at >= b.lo and e.created_at < b.hi
    where ${and(scope.where)}
    group by b.bucket, e.event_type order by b.bucket, e.event_type`;
  const found = prepared(sqlText).all({ ...scope.params, buckets: table.json }) as SqlRow[];
  let eventCount = 0;
  let totalTimeSaved = 0;
  let improvementSum = 0;
  let improvementCount = 0;
  const rows = found.map((r) => {
    eventCount += r.eventCount;
    totalTimeSaved += r.totalTimeSaved;
    improvementSum += r.improvementSum ?? 0;
    improvementCount += r.improvementCount;
    return {
      period: iso(r.bucket),
      eventType: r.eventType,
      eventCount: r.eventCount,
      avgTimeSaved: r.avgTimeSaved,
      avgImprovement: r.avgImprovement,
      totalTimeSaved: r.totalTimeSaved,
    };
  });
  if (eventCount === 0) return empty;
  return {
    rows,
    totals: {
      eventCount,
      avgTimeSaved: totalTimeSaved / eventCount,
      avgImprovement: improvementCount === 0 ? null : improvementSum / improvementCount,
      totalTimeSaved,
    },
  };
}
