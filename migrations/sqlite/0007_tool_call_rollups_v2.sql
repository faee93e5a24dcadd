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
	`histogram` blob NOT NULL,
	PRIMARY KEY(`slot_start`, `tool_name`, `profile_id`, `project`)
);
--> statement-breakpoint
CREATE INDEX `tool_call_slot_rollups_empty_idx` ON `tool_call_slot_rollups` (`slot_start`) WHERE "tool_call_slot_rollups"."calls" = 0;--> statement-breakpoint
CREATE TABLE `tool_call_summaries` (
	`grain` integer NOT NULL,
	`scope` text NOT NULL,
	`slot_start` integer NOT NULL,
	`tool_name` text NOT NULL,
	`calls` integer NOT NULL,
	`errors` integer NOT NULL,
	`timeouts` integer NOT NULL,
	`duration_sum` integer NOT NULL,
	`duration_max` integer NOT NULL,
	`histogram` blob NOT NULL,
	PRIMARY KEY(`grain`, `slot_start`, `scope`, `tool_name`)
);
--> statement-breakpoint
CREATE INDEX `tool_call_summaries_empty_idx` ON `tool_call_summaries` (`grain`) WHERE "tool_call_summaries"."calls" = 0;