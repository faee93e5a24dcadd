-- Rows per table from here on: counted once now, then kept by triggers (tool_calls' inserts are
-- added by the store's move, which makes them all; see row_counts in schema/core.ts).
INSERT INTO `row_counts` (`table_name`, `rows`) SELECT 'tool_calls', count(*) FROM `tool_calls`;--> statement-breakpoint
INSERT INTO `row_counts` (`table_name`, `rows`) SELECT 'sessions', count(*) FROM `sessions`;--> statement-breakpoint
INSERT INTO `row_counts` (`table_name`, `rows`) SELECT 'profiles', count(*) FROM `profiles`;--> statement-breakpoint
INSERT INTO `row_counts` (`table_name`, `rows`) SELECT 'productivity_events', count(*) FROM `productivity_events`;--> statement-breakpoint
INSERT INTO `row_counts` (`table_name`, `rows`) SELECT 'feature_usage', count(*) FROM `feature_usage`;--> statement-breakpoint
CREATE TRIGGER `tool_calls_rows_deleted` AFTER DELETE ON `tool_calls` BEGIN
  UPDATE `row_counts` SET `rows` = `rows` - 1 WHERE `table_name` = 'tool_calls';
END;--> statement-breakpoint
CREATE TRIGGER `sessions_rows_inserted` AFTER INSERT ON `sessions` BEGIN
  UPDATE `row_counts` SET `rows` = `rows` + 1 WHERE `table_name` = 'sessions';
END;--> statement-breakpoint
CREATE TRIGGER `sessions_rows_deleted` AFTER DELETE ON `sessions` BEGIN
  UPDATE `row_counts` SET `rows` = `rows` - 1 WHERE `table_name` = 'sessions';
END;--> statement-breakpoint
CREATE TRIGGER `profiles_rows_inserted` AFTER INSERT ON `profiles` BEGIN
  UPDATE `row_counts` SET `rows` = `rows` + 1 WHERE `table_name` = 'profiles';
END;--> statement-breakpoint
CREATE TRIGGER `profiles_rows_deleted` AFTER DELETE ON `profiles` BEGIN
  UPDATE `row_counts` SET `rows` = `rows` - 1 WHERE `table_name` = 'profiles';
END;--> statement-breakpoint
CREATE TRIGGER `productivity_events_rows_inserted` AFTER INSERT ON `productivity_events` BEGIN
  UPDATE `row_counts` SET `rows` = `rows` + 1 WHERE `table_name` = 'productivity_events';
END;--> statement-breakpoint
CREATE TRIGGER `productivity_events_rows_deleted` AFTER DELETE ON `productivity_events` BEGIN
  UPDATE `row_counts` SET `rows` = `rows` - 1 WHERE `table_name` = 'productivity_events';
END;--> statement-breakpoint
CREATE TRIGGER `feature_usage_rows_inserted` AFTER INSERT ON `feature_usage` BEGIN
  UPDATE `row_counts` SET `rows` = `rows` + 1 WHERE `table_name` = 'feature_usage';
END;--> statement-breakpoint
CREATE TRIGGER `feature_usage_rows_deleted` AFTER DELETE ON `feature_usage` BEGIN
  UPDATE `row_counts` SET `rows` = `rows` - 1 WHERE `table_name` = 'feature_usage';
END;
