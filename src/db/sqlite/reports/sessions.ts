import { nearestRank } from '../../../lib/latency-histogram.js';
import type { ProfilesReportRow, ReportScope, SessionsReportRow } from '../../store.js';
import { and, sessionScope, type Prepared } from './common.js';

// A string: interpolated into SQL it must stay a real literal (60000 would divide as integers).
const MINUTE = '60000.0';

/**
 * Per session type, over the sessions started in the range. Durations are those of the ended
 * sessions; the p95 is nearest-rank over them, one small query per type (a window function
 * would rank every session in the range).
 */
export function sessionsReport(prepared: Prepared, filter: ReportScope): SessionsReportRow[] {
  const scope = sessionScope(filter, 's.id', true);
  const params = { ...scope.params, from: filter.from, to: filter.to };
  const inRange = `s.started_at >= @from and s.started_at < @to and ${and(scope.where)}`;
  const rows = prepared(`
    select s.type, count(*) as total,
      sum(s.status = 'active') as active, sum(s.status = 'completed') as completed,
      sum(s.status = 'failed') as failed, sum(s.status = 'cancelled') as cancelled,
      1.0 * sum(s.status = 'completed') / nullif(sum(s.status <> 'active'), 0) as successRate,
      avg(s.ended_at - s.started_at) / ${MINUTE} as avgDurationMinutes,
      count(s.ended_at) as ended,
      sum(s.error_count) as errorCount,
      1.0 * sum(s.error_count) / count(*) as errorsPerSession,
      sum(s.output_lines) as outputLines
    from sessions s where ${inRange} group by s.type order by s.type`).all(params) as Array<SessionsReportRow & { ended: number }>;
  // Counted from the top, SQLite's sorter keeps only the top 5 % of a type's durations.
  const p95 = prepared(`select (s.ended_at - s.started_at) / ${MINUTE} as minutes from sessions s
    where s.type = @type and s.ended_at is not null and ${inRange} order by s.ended_at - s.started_at desc limit 1 offset @fromTop`);
  return rows.map(({ ended, ...row }) => ({
    ...row,
    // undefined only if another process ended sessions between the two reads.
    p95DurationMinutes: ended === 0 ? null : ((p95.get({ ...params, type: row.type, fromTop: ended - nearestRank(95, ended) }) as { minutes: number } | undefined)?.minutes ?? null),
  }));
}

/** Per profile with at least one session started in the range; most sessions first. */
export function profilesReport(prepared: Prepared, filter: ReportScope): ProfilesReportRow[] {
  const scope = sessionScope(filter, 's.id', true);
  const sqlText = `
    select p.id as profileId, p.name as name, count(*) as sessions,
      1.0 * sum(s.status = 'completed') / nullif(sum(s.status <> 'active'), 0) as successRate,
      coalesce(sum(s.ended_at - s.started_at), 0) / ${MINUTE} as totalMinutes,
      1.0 * sum(s.error_count) / count(*) as errorsPerSession,
      max(s.last_activity_at) as lastActiveAt
    from sessions s join profiles p on p.id = s.profile_id
    where s.started_at >= @from and s.started_at < @to and ${and(scope.where)}
    group by p.id order by sessions desc, p.name`;
  return prepared(sqlText).all({ ...scope.params, from: filter.from, to: filter.to }) as ProfilesReportRow[];
}
