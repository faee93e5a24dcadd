CREATE TABLE `tool_call_stage` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`session_id` text NOT NULL,
	`tool_name` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`status` text NOT NULL,
	`error_type` text,
	`timestamp` integer NOT NULL
);
