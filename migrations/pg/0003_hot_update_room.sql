-- Custom SQL migration file, put your code below! --
-- Room on each page for HOT updates (a new row version on the same page, no index touched) in
-- the tables rewritten all day: a session's row at every commit that adds to it
-- (tool_call_count, last_activity_at, in no index: schema/core.ts), a rollup row at every
-- fold. With full pages every such update would move the row and add an entry to every index.
-- drizzle-kit cannot declare storage parameters, hence this hand-written migration.
ALTER TABLE "sessions" SET (fillfactor = 90);--> statement-breakpoint
ALTER TABLE "tool_call_slot_rollups" SET (fillfactor = 80);--> statement-breakpoint
ALTER TABLE "tool_call_summaries" SET (fillfactor = 80);
