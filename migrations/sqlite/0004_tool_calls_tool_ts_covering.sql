DROP INDEX `tool_calls_tool_ts_idx`;--> statement-breakpoint
CREATE INDEX `tool_calls_tool_ts_idx` ON `tool_calls` (`tool_name`,`timestamp`,`status`,`duration_ms`);