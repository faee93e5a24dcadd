import type { Db } from '../db/client.js';
import { isoOrNull } from '../lib/time.js';
import { and, rankSql, sessionScope, type Prepared, type Range, type ReportFilter } from './reports-common.js';

export type SessionsReportRow = {
  type: string;
  total: number;
  active: number;
  completed: number;
  failed: number;
  cancelled: number;
  successRate: number | null;
  avgDurationMinutes: number | null;
  p95DurationMinutes: number | null;
  errorCount: number;
  errorsPerSession: number | null;
  outputLines: number;
};

export type ProfilesReportRow = {
  profileId: number;
  name: string;
  sessions: number;
  successRate: number | null;
  totalMinutes: number;
  errorsPerSession: number | null;
  lastActiveAt: string | null;
};

// A string: interpolated into SQL it must stay a real literal (60000 would divide as integers).
const MINUTE = '60000.0';

/**
 * Per session type, over the sessions started in the range. Durations are those of the ended
 * sessions; the p95 is nearest-rank over them (ranked by a window function in SQL).
 */
export function sessionsReport(db: Db, prepared: Prepared, range: Range, filter: ReportFilter): SessionsReportRow[] {
  const scope = sessionScope(db, filter, 's.id', true);
  if (scope.none) return [];
  const sqlText = `
    with x as (
      select s.type, s.status, s.error_count, s.output_lines, s.ended_at - s.started_at as d,
        row_number() over w as rn,
        count(*) over (w rows between unbounded preceding and unbounded following) as ended
      from sessions s
      where s.started_at >= @from and s.started_at < @to and ${and(scope.where)}
      window w as (partition by s.type, s.ended_at is null order by s.ended_at - s.started_at)
    )
    select type, count(*) as total,
      sum(status = 'active') as active, sum(status = 'completed') as completed,
      sum(status = 'failed') as failed, sum(status = 'cancelled') as cancelled,
      1.0 * sum(status = 'completed') / nullif(sum(status <> 'active'), 0) as successRate,
      avg(d) / ${MINUTE} as avgDurationMinutes,
      max(case when d is not null and rn = ${rankSql(95, 'ended')} then d end) / ${MINUTE} as p95DurationMinutes,
      sum(error_count) as errorCount,
      1.0 * sum(error_count) / count(*) as errorsPerSession,
      sum(output_lines) as outputLines
    from x group by type order by type`;
  return prepared(sqlText).all({ ...scope.params, from: range.from, to: range.to }) as SessionsReportRow[];
}

/** Per profile with at least one session started in the range; most sessions first. */
export function profilesReport(db: Db, prepared: Prepared, range: Range, filter: ReportFilter): ProfilesReportRow[] {
  const scope = sessionScope(db, filter, 's.id', true);
  if (scope.none) return [];
  const sqlText = `
    select p.id as profileId, p.name as name, count(*) as sessions,
      1.0 * sum(s.status = 'completed') / nullif(sum(s.status <> 'active'), 0) as successRate,
      coalesce(sum(s.ended_at - s.started_at), 0) / ${MINUTE} as totalMinutes,
      1.0 * sum(s.error_count) / count(*) as errorsPerSession,
      max(s.last_activity_at) as lastActiveAt
    from sessions s join profiles p on p.id = s.profile_id
    where s.started_at >= @from and s.started_at < @to and ${and(scope.where)}
    group by p.id order by sessions desc, p.name`;
  const rows = prepared(sqlText).all({ ...scope.params, from: range.from, to: range.to }) as Array<Omit<ProfilesReportRow, 'lastActiveAt'> & { lastActiveAt: number | null }>;
  return rows.map((r) => ({ ...r, lastActiveAt: isoOrNull(r.lastActiveAt) }));
}
