-- Custom SQL migration file, put your code below! --
-- devflow_ensure_partitions(parent, from_ms, to_ms): creates, idempotently, the weekly
-- partitions of a table of 0001 that cover [from_ms, to_ms), and answers how many it created.
-- A week is [Monday 00:00 UTC, next Monday) in epoch ms; its partition is <table>_wYYYYMMDD
-- (the Monday). The leader job calls it ahead of time (later work); this migration calls it
-- once for the weeks around now.
--
-- Why weeks: with 10M calls in the default 90 days (~780K a week), a week is 13 partitions for
-- the calls and 53 for a year of productivity events: few enough that a query no time range
-- prunes (a session's calls, newest first) plans and probes them all in a few milliseconds,
-- and per-backend catalog caches stay small even at several years. A month would leave up
-- to 3.3M rows in the boundary partition for a sliced DELETE (the issue's 5M-row retention
-- must finish in 30 s); a day would mean 365+ partitions a table at a year's retention.
--
-- A row of a week that has no partition yet went to the table's DEFAULT partition (0001); the
-- function moves such rows into the week's partition as it creates it. New partitions are
-- made standalone and ATTACHed, which takes only SHARE UPDATE EXCLUSIVE on the parent (CREATE
-- TABLE … PARTITION OF would take ACCESS EXCLUSIVE, blocking every reader and writer); ATTACH
-- adds the parent's indexes and foreign keys to it. The default partition is locked first, as
-- the ATTACH would, so no straggler can slip into it between the move and the ATTACH.
-- Concurrent callers (two replicas' leaders) take turns on a transaction-level advisory lock.
CREATE FUNCTION devflow_ensure_partitions(parent regclass, from_ms bigint, to_ms bigint)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
  week constant bigint := 604800000;
  first_monday constant bigint := 345600000; -- 1970-01-05T00:00:00Z
  key_column name;
  parent_schema name;
  parent_name name;
  default_partition regclass;
  lo bigint;
  partition_name text;
  created integer := 0;
BEGIN
  IF to_ms <= from_ms THEN
    RETURN 0;
  END IF;
  IF (to_ms - from_ms) / week > 520 THEN
    RAISE EXCEPTION 'devflow_ensure_partitions: % weeks asked for %, at most 520 at once', (to_ms - from_ms) / week, parent;
  END IF;
  SELECT a.attname INTO key_column
    FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = parent AND p.partstrat = 'r' AND p.partnatts = 1;
  IF key_column IS NULL THEN
    RAISE EXCEPTION 'devflow_ensure_partitions: % is not range-partitioned on one column', parent;
  END IF;
  SELECT n.nspname, c.relname INTO parent_schema, parent_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = parent;
  SELECT i.inhrelid::regclass INTO default_partition
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
  PERFORM pg_advisory_xact_lock(7234318558784746100); -- 'devfpart'
  lo := from_ms - ((from_ms - first_monday) % week + week) % week;
  WHILE lo < to_ms LOOP
    partition_name := parent_name || '_w' || to_char(to_timestamp(lo / 1000) AT TIME ZONE 'UTC', 'YYYYMMDD');
    IF to_regclass(format('%I.%I', parent_schema, partition_name)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', parent_schema, partition_name, parent);
      IF default_partition IS NOT NULL THEN
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', default_partition);
        EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %I >= %s AND %I < %s RETURNING *) INSERT INTO %I.%I SELECT * FROM moved',
          default_partition, key_column, lo, key_column, lo + week, parent_schema, partition_name);
      END IF;
      EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES FROM (%s) TO (%s)', parent, parent_schema, partition_name, lo, lo + week);
      created := created + 1;
    END IF;
    lo := lo + week;
  END LOOP;
  RETURN created;
END;
$$;
--> statement-breakpoint
-- The weeks around the migration: last week through four weeks ahead.
SELECT devflow_ensure_partitions(t::regclass, now_ms - 7 * 86400000::bigint, now_ms + 28 * 86400000::bigint)
  FROM (SELECT (extract(epoch FROM now()) * 1000)::bigint AS now_ms) n,
       unnest(ARRAY['tool_calls', 'productivity_events', 'feature_usage']) t;
