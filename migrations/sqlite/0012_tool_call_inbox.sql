CREATE TABLE `tool_call_inbox` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`tool_name` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`status` text NOT NULL,
	`error_type` text,
	`timestamp` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "tool_call_inbox_status_ck" CHECK(status in ('success', 'error', 'timeout')),
	CONSTRAINT "tool_call_inbox_duration_ck" CHECK("tool_call_inbox"."duration_ms" >= 0)
);
--> statement-breakpoint
CREATE INDEX `tool_call_inbox_session_idx` ON `tool_call_inbox` (`session_id`);