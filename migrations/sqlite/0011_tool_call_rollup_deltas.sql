CREATE TABLE `tool_call_rollup_deltas` (
	`id` integer PRIMARY KEY NOT NULL,
	`deltas` text NOT NULL
);
