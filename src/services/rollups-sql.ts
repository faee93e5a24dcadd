/**
 * The SQL behind the tool-call rollups (src/services/rollups.ts). Histograms are JSON objects
 * {bucket: count}; two of them merge by adding counts key by key (json_each), dropping keys
 * that reach 0, so the same statements add (ingest) and subtract (deleted sessions, rebuilt slots).
 */

export const SLOT_MS = 15 * 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** The summary grains: every scope has days, the '' scope also hours and slots. */
export const GRAINS = [SLOT_MS, HOUR_MS, DAY_MS] as const;

const merged = (a: string, b: string) => `(select json_group_object(key, n) from (
    select key, sum(value) as n from (select key, value from json_each(${a}) union all select key, value from json_each(${b}))
    group by key having n <> 0))`;

/**
 * Adds a delta to a rollup row. The max only grows: a subtraction keeps it, and the caller
 * recomputes the max of the rows it subtracted from (forget).
 */
const ADD_DELTA = `calls = calls + excluded.calls, errors = errors + excluded.errors, timeouts = timeouts + excluded.timeouts,
    duration_sum = duration_sum + excluded.duration_sum, duration_max = max(duration_max, excluded.duration_max),
    histogram = ${merged('histogram', 'excluded.histogram')}`;

const COUNTERS = 'calls, errors, timeouts, duration_sum, duration_max, histogram';

export const UPSERT_SLOT = `insert into tool_call_slot_rollups (slot_start, tool_name, profile_id, project, ${COUNTERS})
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (slot_start, tool_name, profile_id, project) do update set ${ADD_DELTA}`;

export const UPSERT_SUMMARY = `insert into tool_call_summaries (grain, scope, slot_start, tool_name, ${COUNTERS})
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (grain, scope, slot_start, tool_name) do update set ${ADD_DELTA}`;

/** The slot rollups of the raw rows in [@lo, @hi); total() never overflows (sum() would throw past 2^63). */
export const FILL_SLOTS_FROM_RAW = `insert into tool_call_slot_rollups (slot_start, tool_name, profile_id, project, ${COUNTERS})
  select slot, tool, profile, project, sum(n), sum(e), sum(o), total(s), max(m), json_group_object(bucket, n)
  from (
    select t.timestamp / ${SLOT_MS} * ${SLOT_MS} as slot, t.tool_name as tool, coalesce(s.profile_id, 0) as profile,
      coalesce(s.project, '') as project, cast(latency_bucket(t.duration_ms) as integer) as bucket, count(*) as n,
      sum(t.status = 'error') as e, sum(t.status = 'timeout') as o, total(t.duration_ms) as s, max(t.duration_ms) as m
    from tool_calls t join sessions s on s.id = t.session_id
    where t.timestamp >= @lo and t.timestamp < @hi
    group by 1, 2, 3, 4, 5)
  group by 1, 2, 3, 4`;

/**
 * Adds (@sign 1) or subtracts (@sign -1) the slot rollups of [@lo, @hi) to or from every
 * summary they feed: the '' scope at each grain, and the day of their profile and project.
 */
export const APPLY_SLOTS_TO_SUMMARIES = `insert into tool_call_summaries (grain, scope, slot_start, tool_name, ${COUNTERS})
  with t(grain, scope, slot, tool, calls, errors, timeouts, dsum, dmax, histogram) as (
    select g.value, '', r.slot_start / g.value * g.value, r.tool_name, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max, r.histogram
      from tool_call_slot_rollups r join json_each('[${GRAINS.join(',')}]') g
      where r.slot_start >= @lo and r.slot_start < @hi
    union all
    select ${DAY_MS}, 'profile:' || r.profile_id, r.slot_start / ${DAY_MS} * ${DAY_MS}, r.tool_name, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max, r.histogram
      from tool_call_slot_rollups r where r.slot_start >= @lo and r.slot_start < @hi and r.profile_id <> 0
    union all
    select ${DAY_MS}, 'project:' || r.project, r.slot_start / ${DAY_MS} * ${DAY_MS}, r.tool_name, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max, r.histogram
      from tool_call_slot_rollups r where r.slot_start >= @lo and r.slot_start < @hi and r.project <> ''
  ),
  c as (select grain, scope, slot, tool, sum(calls) as calls, sum(errors) as errors, sum(timeouts) as timeouts, sum(dsum) as dsum, max(dmax) as dmax
    from t group by 1, 2, 3, 4),
  h as (select grain, scope, slot, tool, json_group_object(k, n) as histogram
    from (select grain, scope, slot, tool, j.key as k, @sign * sum(j.value) as n from t join json_each(t.histogram) j group by 1, 2, 3, 4, 5)
    group by 1, 2, 3, 4)
  select c.grain, c.scope, c.slot, c.tool, @sign * c.calls, @sign * c.errors, @sign * c.timeouts, @sign * c.dsum, iif(@sign > 0, c.dmax, 0), h.histogram
  from c join h using (grain, scope, slot, tool) where true
  on conflict (grain, scope, slot_start, tool_name) do update set ${ADD_DELTA}`;

/** Rows a subtraction emptied (the partial indexes on calls = 0 find them). */
export const DELETE_EMPTY = ['delete from tool_call_slot_rollups where calls = 0', 'delete from tool_call_summaries where calls = 0'];
