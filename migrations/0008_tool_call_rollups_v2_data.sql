-- Rollups v2 (issue 9): one row per slot × tool × profile × project with errors, timeouts and
-- the histogram as JSON {bucket: count}, plus summaries per grain and scope. This migration
-- rebuilds the slot table as WITHOUT ROWID (drizzle-kit cannot declare it), converts the v1
-- rollups into it (rollups whose raw rows retention already deleted are kept), and derives the
-- summaries from it. 0009 drops the v1 tables.
DROP TABLE `tool_call_slot_rollups`;--> statement-breakpoint
CREATE TABLE `tool_call_slot_rollups` (
	`slot_start` integer NOT NULL,
	`tool_name` text NOT NULL,
	`profile_id` integer DEFAULT 0 NOT NULL,
	`project` text DEFAULT '' NOT NULL,
	`calls` integer NOT NULL,
	`errors` integer NOT NULL,
	`timeouts` integer NOT NULL,
	`duration_sum` integer NOT NULL,
	`duration_max` integer NOT NULL,
	`histogram` text NOT NULL,
	PRIMARY KEY(`slot_start`, `tool_name`, `profile_id`, `project`)
) WITHOUT ROWID;--> statement-breakpoint
CREATE INDEX `tool_call_slot_rollups_empty_idx` ON `tool_call_slot_rollups` (`slot_start`) WHERE "tool_call_slot_rollups"."calls" = 0;--> statement-breakpoint
INSERT INTO `tool_call_slot_rollups`
  SELECT r.slot_start, r.tool_name, r.profile_id, r.project, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max,
    coalesce((SELECT json_group_object(b.bucket, b.count) FROM `tool_call_latency_buckets` b
      WHERE b.slot_start = r.slot_start AND b.tool_name = r.tool_name AND b.profile_id = r.profile_id AND b.project = r.project), '{}')
  FROM (SELECT slot_start, tool_name, profile_id, project, sum(calls) AS calls,
      sum(iif(status = 'error', calls, 0)) AS errors, sum(iif(status = 'timeout', calls, 0)) AS timeouts,
      sum(duration_sum) AS duration_sum, max(duration_max) AS duration_max
    FROM `tool_call_rollups` GROUP BY 1, 2, 3, 4) r;--> statement-breakpoint
INSERT INTO `tool_call_summaries` (grain, scope, slot_start, tool_name, calls, errors, timeouts, duration_sum, duration_max, histogram)
  WITH t(grain, scope, slot, tool, calls, errors, timeouts, dsum, dmax, histogram) AS (
    SELECT g.value, '', r.slot_start / g.value * g.value, r.tool_name, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max, r.histogram
      FROM `tool_call_slot_rollups` r JOIN json_each('[900000,3600000,86400000]') g
    UNION ALL
    SELECT 86400000, 'profile:' || r.profile_id, r.slot_start / 86400000 * 86400000, r.tool_name, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max, r.histogram
      FROM `tool_call_slot_rollups` r WHERE r.profile_id <> 0
    UNION ALL
    SELECT 86400000, 'project:' || r.project, r.slot_start / 86400000 * 86400000, r.tool_name, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max, r.histogram
      FROM `tool_call_slot_rollups` r WHERE r.project <> ''
  ),
  c AS (SELECT grain, scope, slot, tool, sum(calls) AS calls, sum(errors) AS errors, sum(timeouts) AS timeouts, sum(dsum) AS dsum, max(dmax) AS dmax
    FROM t GROUP BY 1, 2, 3, 4),
  h AS (SELECT grain, scope, slot, tool, json_group_object(k, n) AS histogram
    FROM (SELECT grain, scope, slot, tool, j.key AS k, sum(j.value) AS n FROM t JOIN json_each(t.histogram) j GROUP BY 1, 2, 3, 4, 5)
    GROUP BY 1, 2, 3, 4)
  SELECT c.grain, c.scope, c.slot, c.tool, c.calls, c.errors, c.timeouts, c.dsum, c.dmax, h.histogram
  FROM c JOIN h USING (grain, scope, slot, tool);
