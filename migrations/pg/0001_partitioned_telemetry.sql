-- Custom SQL migration file, put your code below! --
-- The three big tables, RANGE-partitioned by week on their time column (epoch ms). drizzle-kit
-- cannot create partitioned tables; src/db/pg/schema/telemetry.ts holds their Drizzle
-- definitions for typed queries, and test/db/pg/partitioned-tables.test.ts keeps the two equal.
-- No primary key: it would have to include the time column; the *_ids tables (0000) make ids
-- unique across partitions. Indexes and constraints declared here are created on every
-- partition; the foreign keys to sessions cascade into every partition (PostgreSQL 12+).
CREATE TABLE "tool_calls" (
	"id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"tool_name" text NOT NULL,
	"duration_ms" bigint NOT NULL,
	"status" text NOT NULL,
	"error_type" text,
	"timestamp" bigint NOT NULL,
	CONSTRAINT "tool_calls_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action,
	CONSTRAINT "tool_calls_status_ck" CHECK (status in ('success', 'error', 'timeout')),
	CONSTRAINT "tool_calls_duration_ck" CHECK ("duration_ms" >= 0)
) PARTITION BY RANGE ("timestamp");
--> statement-breakpoint
CREATE INDEX "tool_calls_ts_idx" ON "tool_calls" USING btree ("timestamp","id");--> statement-breakpoint
CREATE INDEX "tool_calls_session_ts_idx" ON "tool_calls" USING btree ("session_id","timestamp");--> statement-breakpoint
CREATE INDEX "tool_calls_tool_ts_idx" ON "tool_calls" USING btree ("tool_name","timestamp");--> statement-breakpoint
CREATE TABLE "productivity_events" (
	"id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"traditional_time_estimate" double precision NOT NULL,
	"actual_time_taken" double precision NOT NULL,
	"time_saved" double precision NOT NULL,
	"improvement_percentage" double precision,
	"context_data" text,
	"user_satisfaction" integer,
	"created_at" bigint NOT NULL,
	CONSTRAINT "productivity_events_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action,
	CONSTRAINT "productivity_events_times_ck" CHECK ("traditional_time_estimate" >= 0 and "actual_time_taken" >= 0),
	CONSTRAINT "productivity_events_satisfaction_ck" CHECK ("user_satisfaction" is null or "user_satisfaction" between 1 and 5)
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
CREATE INDEX "productivity_events_created_idx" ON "productivity_events" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "productivity_events_session_idx" ON "productivity_events" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE INDEX "productivity_events_type_idx" ON "productivity_events" USING btree ("event_type","created_at");--> statement-breakpoint
CREATE TABLE "feature_usage" (
	"id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"feature_name" text NOT NULL,
	"feature_category" text NOT NULL,
	"started_at" bigint NOT NULL,
	"completed_at" bigint,
	"success" boolean,
	"error_message" text,
	CONSTRAINT "feature_usage_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action,
	CONSTRAINT "feature_usage_completed_ck" CHECK ("completed_at" is null or "completed_at" >= "started_at")
) PARTITION BY RANGE ("started_at");
--> statement-breakpoint
CREATE INDEX "feature_usage_started_idx" ON "feature_usage" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "feature_usage_session_idx" ON "feature_usage" USING btree ("session_id","started_at");--> statement-breakpoint
CREATE INDEX "feature_usage_feature_idx" ON "feature_usage" USING btree ("feature_name","started_at");--> statement-breakpoint
-- A DEFAULT partition per table catches a row whose week has no partition (the contract
-- accepts any time from 2001 to now + 24 h; weeks are created ahead of time, 0002), so an
-- insert never fails for want of one. devflow_ensure_partitions() moves such rows into their
-- week's partition when it creates it; kept small, it costs little (every new partition's
-- ATTACH scans it to prove no row of the new range is left there).
CREATE TABLE "tool_calls_default" PARTITION OF "tool_calls" DEFAULT;--> statement-breakpoint
CREATE TABLE "productivity_events_default" PARTITION OF "productivity_events" DEFAULT;--> statement-breakpoint
CREATE TABLE "feature_usage_default" PARTITION OF "feature_usage" DEFAULT;
