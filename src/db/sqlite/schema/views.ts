import { sql } from 'drizzle-orm';
import { integer, real, sqliteView, text } from 'drizzle-orm/sqlite-core';

/** The SQL views anyone with the sqlite3 shell can query for the reports' summaries. */

/** Per UTC day and event type; the API's tz-aware grouping lives in the reports service. */
export const productivitySummary = sqliteView('productivity_summary', {
  day: text('day').notNull(),
  eventType: text('event_type').notNull(),
  eventCount: integer('event_count').notNull(),
  avgTimeSaved: real('avg_time_saved'),
  avgImprovement: real('avg_improvement'),
  totalTimeSaved: real('total_time_saved'),
}).as(sql`select strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') as day, event_type,
  count(*) as event_count, avg(time_saved) as avg_time_saved,
  avg(improvement_percentage) as avg_improvement, sum(time_saved) as total_time_saved
  from productivity_events group by day, event_type`);

export const featureAdoption = sqliteView('feature_adoption', {
  featureCategory: text('feature_category').notNull(),
  featureName: text('feature_name').notNull(),
  usageCount: integer('usage_count').notNull(),
  uniqueSessions: integer('unique_sessions').notNull(),
  successRate: real('success_rate'),
  avgDurationSeconds: real('avg_duration_seconds'),
}).as(sql`select feature_category, feature_name, count(*) as usage_count,
  count(distinct session_id) as unique_sessions,
  avg(case when success is null then null when success then 1.0 else 0.0 end) as success_rate,
  avg(case when completed_at is null then null else (completed_at - started_at) / 1000.0 end) as avg_duration_seconds
  from feature_usage group by feature_category, feature_name`);

/** The sessions report over all time: durations of ended sessions, p95 nearest-rank. */
export const sessionStats = sqliteView('session_stats', {
  type: text('type').notNull(),
  total: integer('total').notNull(),
  active: integer('active').notNull(),
  completed: integer('completed').notNull(),
  failed: integer('failed').notNull(),
  cancelled: integer('cancelled').notNull(),
  successRate: real('success_rate'),
  avgDurationMinutes: real('avg_duration_minutes'),
  p95DurationMinutes: real('p95_duration_minutes'),
  errorCount: integer('error_count').notNull(),
  errorsPerSession: real('errors_per_session'),
  outputLines: integer('output_lines').notNull(),
}).as(sql`select type, count(*) as total,
  sum(status = 'active') as active, sum(status = 'completed') as completed,
  sum(status = 'failed') as failed, sum(status = 'cancelled') as cancelled,
  1.0 * sum(status = 'completed') / nullif(sum(status <> 'active'), 0) as success_rate,
  avg(d / 60000.0) as avg_duration_minutes,
  max(case when d is not null and rn = (95 * ended + 99) / 100 then d end) / 60000.0 as p95_duration_minutes,
  sum(error_count) as error_count, 1.0 * sum(error_count) / count(*) as errors_per_session,
  sum(output_lines) as output_lines
  from (select type, status, error_count, output_lines, ended_at - started_at as d,
    row_number() over w as rn, count(*) over (w rows between unbounded preceding and unbounded following) as ended
    from sessions window w as (partition by type, ended_at is null order by ended_at - started_at))
  group by type`);
