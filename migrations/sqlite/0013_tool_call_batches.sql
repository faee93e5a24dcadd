CREATE TABLE `tool_call_batches` (
	`id` integer PRIMARY KEY NOT NULL,
	`calls` text NOT NULL
);
