-- The rollup tables as WITHOUT ROWID (drizzle-kit cannot declare it): the primary key is the
-- table's own B-tree, so each upsert writes one tree and every range read is covering.
-- Both tables are empty here (created by 0005); the backfill fills them after start.
DROP TABLE `tool_call_latency_buckets`;--> statement-breakpoint
CREATE TABLE `tool_call_latency_buckets` (
	`slot_start` integer NOT NULL,
	`tool_name` text NOT NULL,
	`profile_id` integer DEFAULT 0 NOT NULL,
	`project` text DEFAULT '' NOT NULL,
	`bucket` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`slot_start`, `tool_name`, `profile_id`, `project`, `bucket`)
) WITHOUT ROWID;--> statement-breakpoint
DROP TABLE `tool_call_rollups`;--> statement-breakpoint
CREATE TABLE `tool_call_rollups` (
	`slot_start` integer NOT NULL,
	`tool_name` text NOT NULL,
	`profile_id` integer DEFAULT 0 NOT NULL,
	`project` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`calls` integer NOT NULL,
	`duration_sum` integer NOT NULL,
	`duration_max` integer NOT NULL,
	PRIMARY KEY(`slot_start`, `tool_name`, `profile_id`, `project`, `status`)
) WITHOUT ROWID;
