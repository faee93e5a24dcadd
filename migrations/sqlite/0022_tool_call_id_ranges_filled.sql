-- Each run's lowest and highest id: two seeks on tool_call_ids' (run, id) key a run.
UPDATE `tool_call_id_runs` SET
  `min_id` = (SELECT min(`id`) FROM `tool_call_ids` WHERE `tool_call_ids`.`run` = `tool_call_id_runs`.`run`),
  `max_id` = (SELECT max(`id`) FROM `tool_call_ids` WHERE `tool_call_ids`.`run` = `tool_call_id_runs`.`run`);
