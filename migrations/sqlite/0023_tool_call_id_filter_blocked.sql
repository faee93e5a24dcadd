-- The id filter's bits are laid out in cache-line blocks now: a filter saved before cannot be
-- read that way. Without a saved filter the store builds one from the ids at its next start.
DELETE FROM `tool_call_id_filter`;
