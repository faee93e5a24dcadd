-- Calls staged with a client's id (tool_call_inbox) move into tool_calls before the inbox goes
-- (the next migration): from now on every staged call waits in tool_call_batches and the id
-- index finds repeats. Their sessions' counters are in the batch rows of their group commits,
-- applied when the store moves those at its start.
INSERT INTO `tool_calls` (`id`, `session_id`, `tool_name`, `duration_ms`, `status`, `error_type`, `timestamp`)
  SELECT `id`, `session_id`, `tool_name`, `duration_ms`, `status`, `error_type`, `timestamp` FROM `tool_call_inbox` WHERE true ORDER BY rowid
  ON CONFLICT DO NOTHING;--> statement-breakpoint
DELETE FROM `tool_call_inbox`;
