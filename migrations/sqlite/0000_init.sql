CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`expires_at` integer,
	`revoked_at` integer,
	CONSTRAINT "api_keys_role_ck" CHECK(role in ('read', 'ingest', 'admin'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_uq` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_created_idx` ON `api_keys` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `feature_usage` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`feature_name` text NOT NULL,
	`feature_category` text NOT NULL,
	`started_at` integer NOT NULL,
	`completed_at` integer,
	`success` integer,
	`error_message` text,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "feature_usage_success_ck" CHECK("feature_usage"."success" is null or "feature_usage"."success" in (0, 1)),
	CONSTRAINT "feature_usage_completed_ck" CHECK("feature_usage"."completed_at" is null or "feature_usage"."completed_at" >= "feature_usage"."started_at")
);
--> statement-breakpoint
CREATE INDEX `feature_usage_started_idx` ON `feature_usage` (`started_at`,`feature_name`);--> statement-breakpoint
CREATE INDEX `feature_usage_session_idx` ON `feature_usage` (`session_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `feature_usage_feature_idx` ON `feature_usage` (`feature_name`,`started_at`);--> statement-breakpoint
CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `productivity_events` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`event_type` text NOT NULL,
	`traditional_time_estimate` real NOT NULL,
	`actual_time_taken` real NOT NULL,
	`time_saved` real NOT NULL,
	`improvement_percentage` real,
	`context_data` text,
	`user_satisfaction` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "productivity_events_times_ck" CHECK("productivity_events"."traditional_time_estimate" >= 0 and "productivity_events"."actual_time_taken" >= 0),
	CONSTRAINT "productivity_events_satisfaction_ck" CHECK("productivity_events"."user_satisfaction" is null or "productivity_events"."user_satisfaction" between 1 and 5)
);
--> statement-breakpoint
CREATE INDEX `productivity_events_created_idx` ON `productivity_events` (`created_at`,`event_type`);--> statement-breakpoint
CREATE INDEX `productivity_events_session_idx` ON `productivity_events` (`session_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `productivity_events_type_idx` ON `productivity_events` (`event_type`,`created_at`);--> statement-breakpoint
CREATE TABLE `profile_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`profile_id` integer NOT NULL,
	`profile_name` text NOT NULL,
	`action` text NOT NULL,
	`changes` text NOT NULL,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	CONSTRAINT "profile_audit_action_ck" CHECK(action in ('create', 'update', 'delete'))
);
--> statement-breakpoint
CREATE INDEX `profile_audit_profile_idx` ON `profile_audit` (`profile_id`,`id`);--> statement-breakpoint
CREATE TABLE `profiles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`enabled` integer DEFAULT true NOT NULL,
	`auto_save` integer DEFAULT false NOT NULL,
	`debug_mode` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "profiles_name_ck" CHECK(length("profiles"."name") between 1 and 64),
	CONSTRAINT "profiles_flags_ck" CHECK("profiles"."enabled" in (0, 1) and "profiles"."auto_save" in (0, 1) and "profiles"."debug_mode" in (0, 1))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_name_uq` ON `profiles` (`name`);--> statement-breakpoint
CREATE INDEX `profiles_enabled_name_idx` ON `profiles` (`enabled`,`name`);--> statement-breakpoint
CREATE TABLE `retention_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trigger` text NOT NULL,
	`dry_run` integer NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`deleted_tool_calls` integer DEFAULT 0 NOT NULL,
	`deleted_sessions` integer DEFAULT 0 NOT NULL,
	`deleted_productivity_events` integer DEFAULT 0 NOT NULL,
	`deleted_feature_usage` integer DEFAULT 0 NOT NULL,
	`stale_sessions_closed` integer DEFAULT 0 NOT NULL,
	`vacuum_mode` text NOT NULL,
	`vacuum_note` text,
	`bytes_before` integer,
	`bytes_after` integer,
	`error` text,
	CONSTRAINT "retention_runs_trigger_ck" CHECK("retention_runs"."trigger" in ('manual', 'scheduled', 'cli')),
	CONSTRAINT "retention_runs_status_ck" CHECK("retention_runs"."status" in ('running', 'succeeded', 'failed')),
	CONSTRAINT "retention_runs_vacuum_ck" CHECK("retention_runs"."vacuum_mode" in ('incremental', 'full', 'off'))
);
--> statement-breakpoint
CREATE INDEX `retention_runs_started_idx` ON `retention_runs` (`started_at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` integer,
	`type` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`project` text,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`exit_code` integer,
	`output_lines` integer DEFAULT 0 NOT NULL,
	`error_count` integer DEFAULT 0 NOT NULL,
	`tool_call_count` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	`last_activity_at` integer NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "sessions_type_ck" CHECK(type in ('repl', 'profile', 'test', 'watch', 'lint', 'typecheck', 'mcp', 'agent')),
	CONSTRAINT "sessions_status_ck" CHECK(status in ('active', 'completed', 'failed', 'cancelled')),
	CONSTRAINT "sessions_counts_ck" CHECK("sessions"."output_lines" >= 0 and "sessions"."error_count" >= 0 and "sessions"."tool_call_count" >= 0),
	CONSTRAINT "sessions_ended_ck" CHECK("sessions"."ended_at" is null or "sessions"."ended_at" >= "sessions"."started_at")
);
--> statement-breakpoint
CREATE INDEX `sessions_started_idx` ON `sessions` (`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `sessions_profile_status_idx` ON `sessions` (`profile_id`,`status`,`started_at`);--> statement-breakpoint
CREATE INDEX `sessions_type_started_idx` ON `sessions` (`type`,`started_at`);--> statement-breakpoint
CREATE INDEX `sessions_status_activity_idx` ON `sessions` (`status`,`last_activity_at`);--> statement-breakpoint
CREATE INDEX `sessions_project_started_idx` ON `sessions` (`project`,`started_at`);--> statement-breakpoint
CREATE INDEX `sessions_ended_idx` ON `sessions` (`ended_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tool_calls` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`tool_name` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`status` text NOT NULL,
	`error_type` text,
	`timestamp` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "tool_calls_status_ck" CHECK(status in ('success', 'error', 'timeout')),
	CONSTRAINT "tool_calls_duration_ck" CHECK("tool_calls"."duration_ms" >= 0)
);
--> statement-breakpoint
CREATE INDEX `tool_calls_ts_tool_idx` ON `tool_calls` (`timestamp`,`tool_name`,`status`,`duration_ms`);--> statement-breakpoint
CREATE INDEX `tool_calls_session_ts_idx` ON `tool_calls` (`session_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `tool_calls_tool_ts_idx` ON `tool_calls` (`tool_name`,`timestamp`);--> statement-breakpoint
CREATE VIEW `feature_adoption` AS select feature_category, feature_name, count(*) as usage_count,
  count(distinct session_id) as unique_sessions,
  avg(case when success is null then null when success then 1.0 else 0.0 end) as success_rate,
  avg(case when completed_at is null then null else (completed_at - started_at) / 1000.0 end) as avg_duration_seconds
  from feature_usage group by feature_category, feature_name;--> statement-breakpoint
CREATE VIEW `productivity_summary` AS select strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') as day, event_type,
  count(*) as event_count, avg(time_saved) as avg_time_saved,
  avg(improvement_percentage) as avg_improvement, sum(time_saved) as total_time_saved
  from productivity_events group by day, event_type;--> statement-breakpoint
CREATE VIEW `session_stats` AS select type, count(*) as total,
  sum(status = 'active') as active, sum(status = 'completed') as completed,
  sum(status = 'failed') as failed, sum(status = 'cancelled') as cancelled,
  1.0 * sum(status = 'completed') / nullif(sum(status <> 'active'), 0) as success_rate,
  avg((ended_at - started_at) / 60000.0) as avg_duration_minutes,
  sum(error_count) as error_count, sum(output_lines) as output_lines
  from sessions group by type;