CREATE TABLE `tool_call_id_filter` (
	`id` integer PRIMARY KEY NOT NULL,
	`covered_seq` integer NOT NULL,
	`capacity` integer NOT NULL,
	`bits` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tool_call_id_runs` (
	`run` integer PRIMARY KEY NOT NULL,
	`level` integer NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`ids` integer NOT NULL,
	`dead` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tool_call_ids` (
	`run` integer NOT NULL,
	`id` blob NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`run`, `id`)
);
--> statement-breakpoint
DROP TABLE `tool_call_inbox`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_tool_calls` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`session_id` text NOT NULL,
	`tool_name` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`status` text NOT NULL,
	`error_type` text,
	`timestamp` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "tool_calls_status_ck" CHECK(status in ('success', 'error', 'timeout')),
	CONSTRAINT "tool_calls_duration_ck" CHECK("__new_tool_calls"."duration_ms" >= 0)
);
--> statement-breakpoint
INSERT INTO `__new_tool_calls`("seq", "id", "session_id", "tool_name", "duration_ms", "status", "error_type", "timestamp") SELECT "seq", "id", "session_id", "tool_name", "duration_ms", "status", "error_type", "timestamp" FROM `tool_calls`;--> statement-breakpoint
DROP TABLE `tool_calls`;--> statement-breakpoint
ALTER TABLE `__new_tool_calls` RENAME TO `tool_calls`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `tool_calls_ts_tool_idx` ON `tool_calls` (`timestamp`,`tool_name`,`status`,`duration_ms`);--> statement-breakpoint
CREATE INDEX `tool_calls_session_ts_idx` ON `tool_calls` (`session_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `tool_calls_tool_ts_idx` ON `tool_calls` (`tool_name`,`timestamp`,`status`,`duration_ms`);--> statement-breakpoint
ALTER TABLE `tool_call_batches` DROP COLUMN `sessions`;