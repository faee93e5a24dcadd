ALTER TABLE `tool_call_id_filter` ADD `added` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tool_call_id_runs` ADD `min_id` blob;--> statement-breakpoint
ALTER TABLE `tool_call_id_runs` ADD `max_id` blob;