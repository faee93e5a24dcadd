import type { ProductivityCell, ReportScope, TimeBucket } from '../../store.js';
import { and, bucketJson, sessionScope, type Prepared } from './common.js';

type SqlRow = { bucket: number; eventType: string; figures: string };

/**
 * The sums behind the productivity_summary view's figures per local period (day, ISO week or
 * month) and event type. Each (period, event type) is one range
 * of the covering productivity_events_type_idx, aggregated in place: no GROUP BY sort of the
 * events. The event types are found by
 * skipping through the same index.
 */
export function productivityCells(prepared: Prepared, filter: ReportScope & { eventType?: string; buckets: TimeBucket[] }): ProductivityCell[] {
  const scope = sessionScope(filter, 'e.session_id', false);
  if (filter.from === filter.to) return [];
  const types =
    filter.eventType === undefined
      ? `kinds(x) as (select min(event_type) from productivity_events
          union all select (select min(event_type) from productivity_events where event_type > kinds.x) from kinds where kinds.x is not null)`
      : 'kinds(x) as (select @eventType)';
  if (filter.eventType !== undefined) scope.params.eventType = filter.eventType;
  const sqlText = `
    with recursive b(bucket, lo, hi) as (select value ->> 0, value ->> 1, value ->> 2 from json_each(@buckets)), ${types}
    select b.bucket, kinds.x as eventType,
      (select json_array(count(*), total(e.time_saved), total(e.improvement_percentage), count(e.improvement_percentage))
        from productivity_events e
        where e.event_type = kinds.x and e.created_at >= b.lo and e.created_at < b.hi and ${and(scope.where)}) as figures
    from b cross join kinds where kinds.x is not null
    order by b.bucket, kinds.x`;
  return (prepared(sqlText).all({ ...scope.params, buckets: bucketJson(filter.buckets, filter) }) as SqlRow[])
    .map(({ bucket, eventType, figures }) => {
      const [count, timeSaved, improvementSum, improvementCount] = JSON.parse(figures) as [number, number, number, number];
      return { bucket, eventType, count, timeSaved, improvementSum, improvementCount };
    })
    .filter((r) => r.count > 0);
}
