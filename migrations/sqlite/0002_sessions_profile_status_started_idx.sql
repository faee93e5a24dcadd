CREATE INDEX `sessions_profile_started_idx` ON `sessions` (`profile_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `sessions_status_started_idx` ON `sessions` (`status`,`started_at`);