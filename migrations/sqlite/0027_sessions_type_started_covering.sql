DROP INDEX `sessions_type_started_idx`;--> statement-breakpoint
CREATE INDEX `sessions_type_started_idx` ON `sessions` (`type`,`started_at`,`status`,`ended_at`,`error_count`,`output_lines`);