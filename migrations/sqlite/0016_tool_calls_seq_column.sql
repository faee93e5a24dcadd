-- tool_calls gains its arrival order, `seq`, as INTEGER PRIMARY KEY in the next migration, which
-- drizzle-kit generates as a copy that reads a `seq` column from the old table. Added here
-- empty (instant: no row is rewritten); NULL into an INTEGER PRIMARY KEY takes the next value,
-- so the copy numbers the calls in their order.
ALTER TABLE `tool_calls` ADD COLUMN `seq` integer;
