CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_used_at" bigint,
	"expires_at" bigint,
	"revoked_at" bigint,
	CONSTRAINT "api_keys_role_ck" CHECK (role in ('read', 'ingest', 'admin'))
);
--> statement-breakpoint
CREATE TABLE "leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "profile_audit" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "profile_audit_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"profile_id" integer NOT NULL,
	"profile_name" text NOT NULL,
	"action" text NOT NULL,
	"changes" jsonb NOT NULL,
	"actor" text NOT NULL,
	"at" bigint NOT NULL,
	CONSTRAINT "profile_audit_action_ck" CHECK (action in ('create', 'update', 'delete'))
);
--> statement-breakpoint
CREATE TABLE "profiles" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "profiles_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"description" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"auto_save" boolean DEFAULT false NOT NULL,
	"debug_mode" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "profiles_name_ck" CHECK (char_length("profiles"."name") between 1 and 64)
);
--> statement-breakpoint
CREATE TABLE "retention_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "retention_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"trigger" text NOT NULL,
	"dry_run" boolean NOT NULL,
	"status" text NOT NULL,
	"started_at" bigint NOT NULL,
	"finished_at" bigint,
	"deleted_tool_calls" bigint DEFAULT 0 NOT NULL,
	"deleted_sessions" bigint DEFAULT 0 NOT NULL,
	"deleted_productivity_events" bigint DEFAULT 0 NOT NULL,
	"deleted_feature_usage" bigint DEFAULT 0 NOT NULL,
	"stale_sessions_closed" bigint DEFAULT 0 NOT NULL,
	"vacuum_mode" text NOT NULL,
	"vacuum_note" text,
	"bytes_before" bigint,
	"bytes_after" bigint,
	"error" text,
	CONSTRAINT "retention_runs_trigger_ck" CHECK (trigger in ('manual', 'scheduled', 'cli')),
	CONSTRAINT "retention_runs_status_ck" CHECK (status in ('running', 'succeeded', 'failed')),
	CONSTRAINT "retention_runs_vacuum_ck" CHECK (vacuum_mode in ('incremental', 'full', 'off'))
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"profile_id" integer,
	"type" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"project" text,
	"started_at" bigint NOT NULL,
	"ended_at" bigint,
	"exit_code" bigint,
	"output_lines" bigint DEFAULT 0 NOT NULL,
	"error_count" bigint DEFAULT 0 NOT NULL,
	"tool_call_count" bigint DEFAULT 0 NOT NULL,
	"updated_at" bigint NOT NULL,
	"last_activity_at" bigint NOT NULL,
	CONSTRAINT "sessions_type_ck" CHECK (type in ('repl', 'profile', 'test', 'watch', 'lint', 'typecheck', 'mcp', 'agent')),
	CONSTRAINT "sessions_status_ck" CHECK (status in ('active', 'completed', 'failed', 'cancelled')),
	CONSTRAINT "sessions_counts_ck" CHECK ("sessions"."output_lines" >= 0 and "sessions"."error_count" >= 0 and "sessions"."tool_call_count" >= 0),
	CONSTRAINT "sessions_ended_ck" CHECK ("sessions"."ended_at" is null or "sessions"."ended_at" >= "sessions"."started_at")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "row_count_deltas" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "row_count_deltas_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"table_name" text NOT NULL,
	"rows" bigint NOT NULL,
	"at" bigint NOT NULL,
	CONSTRAINT "row_count_deltas_rows_ck" CHECK ("row_count_deltas"."rows" <> 0)
);
--> statement-breakpoint
CREATE TABLE "row_counts" (
	"table_name" text PRIMARY KEY NOT NULL,
	"rows" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feature_usage_ids" (
	"id" uuid PRIMARY KEY NOT NULL,
	"started_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "productivity_event_ids" (
	"id" uuid PRIMARY KEY NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tool_call_ids" (
	"id" uuid PRIMARY KEY NOT NULL,
	"timestamp" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tool_call_rollup_deltas" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tool_call_rollup_deltas_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"deltas" jsonb NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tool_call_slot_rollups" (
	"slot_start" bigint NOT NULL,
	"tool_name" text NOT NULL,
	"profile_id" integer DEFAULT 0 NOT NULL,
	"project" text DEFAULT '' NOT NULL,
	"calls" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"timeouts" bigint NOT NULL,
	"duration_sum" double precision NOT NULL,
	"duration_max" bigint NOT NULL,
	"histogram" "bytea" NOT NULL,
	CONSTRAINT "tool_call_slot_rollups_pk" PRIMARY KEY("slot_start","tool_name","profile_id","project")
);
--> statement-breakpoint
CREATE TABLE "tool_call_summaries" (
	"grain" integer NOT NULL,
	"scope" text NOT NULL,
	"slot_start" bigint NOT NULL,
	"tool_name" text NOT NULL,
	"calls" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"timeouts" bigint NOT NULL,
	"duration_sum" double precision NOT NULL,
	"duration_max" bigint NOT NULL,
	"histogram" "bytea" NOT NULL,
	CONSTRAINT "tool_call_summaries_pk" PRIMARY KEY("grain","slot_start","scope","tool_name")
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_profile_id_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_uq" ON "api_keys" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "api_keys_created_idx" ON "api_keys" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "profile_audit_profile_idx" ON "profile_audit" USING btree ("profile_id","id");--> statement-breakpoint
CREATE INDEX "profile_audit_name_idx" ON "profile_audit" USING btree ("profile_name","id");--> statement-breakpoint
CREATE UNIQUE INDEX "profiles_name_uq" ON "profiles" USING btree ("name");--> statement-breakpoint
CREATE INDEX "profiles_enabled_name_idx" ON "profiles" USING btree ("enabled","name");--> statement-breakpoint
CREATE INDEX "retention_runs_started_idx" ON "retention_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "sessions_started_idx" ON "sessions" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "sessions_profile_started_idx" ON "sessions" USING btree ("profile_id","started_at");--> statement-breakpoint
CREATE INDEX "sessions_status_started_idx" ON "sessions" USING btree ("status","started_at");--> statement-breakpoint
CREATE INDEX "sessions_type_started_idx" ON "sessions" USING btree ("type","started_at","status","ended_at","error_count","output_lines");--> statement-breakpoint
CREATE INDEX "sessions_project_started_idx" ON "sessions" USING btree ("project","started_at");--> statement-breakpoint
CREATE INDEX "sessions_ended_idx" ON "sessions" USING btree ("ended_at");--> statement-breakpoint
CREATE INDEX "feature_usage_ids_ts_idx" ON "feature_usage_ids" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "productivity_event_ids_ts_idx" ON "productivity_event_ids" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "tool_call_ids_ts_idx" ON "tool_call_ids" USING btree ("timestamp");