-- Everything staged the old way moves into tool_calls before staging changes shape (the next
-- migrations drop tool_call_inbox and tool_call_batches.sessions): what a crash or a stop left
-- staged is stored, counted once, and the new code starts with nothing staged.
-- 1. The sessions' counters, as the old batch rows recorded them (inbox calls included).
UPDATE `sessions` SET `tool_call_count` = `tool_call_count` + s.calls, `last_activity_at` = max(`last_activity_at`, s.at)
  FROM (SELECT j.value->>0 AS id, sum(j.value->>1) AS calls, max(j.value->>2) AS at FROM `tool_call_batches` b, json_each(b.`sessions`) j GROUP BY 1) s
  WHERE `sessions`.`id` = s.id;--> statement-breakpoint
-- 2. Calls with a client's id.
INSERT INTO `tool_calls` (`id`, `session_id`, `tool_name`, `duration_ms`, `status`, `error_type`, `timestamp`)
  SELECT `id`, `session_id`, `tool_name`, `duration_ms`, `status`, `error_type`, `timestamp` FROM `tool_call_inbox` WHERE true ORDER BY rowid
  ON CONFLICT DO NOTHING;--> statement-breakpoint
DELETE FROM `tool_call_inbox`;--> statement-breakpoint
-- 3. Calls with a server-made id; those of a session deleted meanwhile go with it.
INSERT INTO `tool_calls` (`id`, `session_id`, `tool_name`, `duration_ms`, `status`, `error_type`, `timestamp`)
  SELECT c->>0, c->>1, c->>2, c->>3, c->>4, c->>5, c->>6
  FROM (SELECT j.value AS c FROM `tool_call_batches` b, json_each(b.`calls`) j ORDER BY b.`id`, j.key)
  WHERE c->>1 IN (SELECT `id` FROM `sessions`)
  ON CONFLICT DO NOTHING;--> statement-breakpoint
DELETE FROM `tool_call_batches`;
