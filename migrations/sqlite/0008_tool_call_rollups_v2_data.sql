-- Rollups v2 (issue 9): one row per slot × tool × profile × project with errors, timeouts and
-- the latency histogram as a blob of sorted little-endian uint32 [bucket, count] pairs, plus
-- summaries per grain and scope. This migration converts the v1 rollups (also those whose raw
-- rows retention already deleted) and derives the summaries from them; 0009 drops v1. Both v2
-- tables are rowid tables: rows of 1-4 KiB overflow a WITHOUT ROWID leaf, which measured ~30 %
-- slower for ingest's read-merge-write.
INSERT INTO `tool_call_slot_rollups`
  SELECT r.slot_start, r.tool_name, r.profile_id, r.project, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max,
    coalesce((SELECT unhex(group_concat(printf('%02x%02x%02x%02x%02x%02x%02x%02x', b.bucket & 255, (b.bucket >> 8) & 255, (b.bucket >> 16) & 255, (b.bucket >> 24) & 255, min(b.count, 4294967295) & 255, (min(b.count, 4294967295) >> 8) & 255, (min(b.count, 4294967295) >> 16) & 255, (min(b.count, 4294967295) >> 24) & 255), '' ORDER BY b.bucket)) FROM `tool_call_latency_buckets` b
      WHERE b.slot_start = r.slot_start AND b.tool_name = r.tool_name AND b.profile_id = r.profile_id AND b.project = r.project), x'')
  FROM (SELECT slot_start, tool_name, profile_id, project, sum(calls) AS calls,
      sum(iif(status = 'error', calls, 0)) AS errors, sum(iif(status = 'timeout', calls, 0)) AS timeouts,
      sum(duration_sum) AS duration_sum, max(duration_max) AS duration_max
    FROM `tool_call_rollups` GROUP BY 1, 2, 3, 4) r;--> statement-breakpoint
INSERT INTO `tool_call_summaries` (grain, scope, slot_start, tool_name, calls, errors, timeouts, duration_sum, duration_max, histogram)
  WITH g(grain) AS (VALUES (900000), (1800000), (3600000), (10800000), (21600000), (86400000)),
  c AS (
    SELECT g.grain, '' AS scope, r.slot_start / g.grain * g.grain AS slot, r.tool_name AS tool, r.status, r.calls, r.duration_sum, r.duration_max
      FROM `tool_call_rollups` r JOIN g
    UNION ALL
    SELECT 86400000, 'profile:' || r.profile_id, r.slot_start / 86400000 * 86400000, r.tool_name, r.status, r.calls, r.duration_sum, r.duration_max
      FROM `tool_call_rollups` r WHERE r.profile_id <> 0
    UNION ALL
    SELECT 86400000, 'project:' || r.project, r.slot_start / 86400000 * 86400000, r.tool_name, r.status, r.calls, r.duration_sum, r.duration_max
      FROM `tool_call_rollups` r WHERE r.project <> ''
  ),
  b AS (
    SELECT g.grain, '' AS scope, r.slot_start / g.grain * g.grain AS slot, r.tool_name AS tool, r.bucket, r.count
      FROM `tool_call_latency_buckets` r JOIN g
    UNION ALL
    SELECT 86400000, 'profile:' || r.profile_id, r.slot_start / 86400000 * 86400000, r.tool_name, r.bucket, r.count
      FROM `tool_call_latency_buckets` r WHERE r.profile_id <> 0
    UNION ALL
    SELECT 86400000, 'project:' || r.project, r.slot_start / 86400000 * 86400000, r.tool_name, r.bucket, r.count
      FROM `tool_call_latency_buckets` r WHERE r.project <> ''
  ),
  h AS (SELECT grain, scope, slot, tool, unhex(group_concat(printf('%02x%02x%02x%02x%02x%02x%02x%02x', bucket & 255, (bucket >> 8) & 255, (bucket >> 16) & 255, (bucket >> 24) & 255, min(n, 4294967295) & 255, (min(n, 4294967295) >> 8) & 255, (min(n, 4294967295) >> 16) & 255, (min(n, 4294967295) >> 24) & 255), '' ORDER BY bucket)) AS histogram
    FROM (SELECT grain, scope, slot, tool, bucket, sum(count) AS n FROM b GROUP BY 1, 2, 3, 4, 5) GROUP BY 1, 2, 3, 4)
  SELECT c.grain, c.scope, c.slot, c.tool, sum(c.calls), sum(iif(c.status = 'error', c.calls, 0)), sum(iif(c.status = 'timeout', c.calls, 0)),
    sum(c.duration_sum), max(c.duration_max), coalesce(h.histogram, x'')
  FROM c LEFT JOIN h USING (grain, scope, slot, tool)
  GROUP BY c.grain, c.scope, c.slot, c.tool;
