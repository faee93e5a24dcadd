DROP VIEW `session_stats`;--> statement-breakpoint
CREATE VIEW `session_stats` AS select type, count(*) as total,
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
  group by type;