-- The id index as WITHOUT ROWID (drizzle-kit cannot declare it; the table is empty here): its
-- key is the table's own B-tree. Then every stored call's id goes into one run, sorted, with its
-- seq; the run's level is its size class (16384 ids × 4^level), as the store files new runs.
DROP TABLE `tool_call_ids`;--> statement-breakpoint
CREATE TABLE `tool_call_ids` (
	`run` integer NOT NULL,
	`id` blob NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`run`, `id`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `tool_call_ids` (`run`, `id`, `seq`) SELECT 1, unhex(replace(`id`, '-', '')), `seq` FROM `tool_calls` ORDER BY 2;--> statement-breakpoint
INSERT INTO `tool_call_id_runs` (`run`, `level`, `first_seq`, `last_seq`, `ids`, `dead`)
  SELECT 1,
    CASE WHEN count(*) < 65536 THEN 0 WHEN count(*) < 262144 THEN 1 WHEN count(*) < 1048576 THEN 2
      WHEN count(*) < 4194304 THEN 3 WHEN count(*) < 16777216 THEN 4 WHEN count(*) < 67108864 THEN 5 ELSE 6 END,
    min(`seq`), max(`seq`), count(*), 0
  FROM `tool_calls` HAVING count(*) > 0;
