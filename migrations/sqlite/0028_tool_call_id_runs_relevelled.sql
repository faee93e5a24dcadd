-- Id runs' size classes are now 65536 ids × 8^level (fewer merge levels: each id is rewritten
-- about half as often). Runs filed under the old classes (16384 × 4^level) take their new level,
-- so the upkeep plans merges as it would have filed them.
UPDATE `tool_call_id_runs` SET `level` =
  CASE WHEN `ids` < 524288 THEN 0 WHEN `ids` < 4194304 THEN 1 WHEN `ids` < 33554432 THEN 2
    WHEN `ids` < 268435456 THEN 3 WHEN `ids` < 2147483648 THEN 4 WHEN `ids` < 17179869184 THEN 5 ELSE 6 END;
