-- The calls staged the old way (a JSON array per group commit) move into the stage, in their
-- batches' order, but for those a move under way had already put into tool_calls: the saved
-- move's batches up to `upTo`, as far as `after` (timestamp, id) in their order.
INSERT INTO `tool_call_stage` (`id`, `session_id`, `tool_name`, `duration_ms`, `status`, `error_type`, `timestamp`)
  SELECT j.value->>0, j.value->>1, j.value->>2, j.value->>3, j.value->>4, j.value->>5, j.value->>6
  FROM `tool_call_batches` b, json_each(b.`calls`) j
  WHERE NOT EXISTS (
    SELECT 1 FROM `settings` m
    WHERE m.`key` = 'toolCalls.move' AND b.`id` <= m.`value`->>'$.upTo'
      AND (j.value->>6 < m.`value`->>'$.after[0]' OR (j.value->>6 = m.`value`->>'$.after[0]' AND j.value->>0 <= m.`value`->>'$.after[1]'))
  )
  ORDER BY b.`id`, j.`key`;--> statement-breakpoint
DELETE FROM `tool_call_batches`;--> statement-breakpoint
DELETE FROM `settings` WHERE `key` = 'toolCalls.move';
