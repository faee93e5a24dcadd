DROP TABLE `tool_call_latency_buckets`;--> statement-breakpoint
DROP TABLE `tool_call_rollups`;