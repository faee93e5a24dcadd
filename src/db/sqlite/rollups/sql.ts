import { SLOT_MS } from '../../../lib/rollup-grains.js';

/**
 * The SQL behind the tool-call rollups (schema: tool_call_slot_rollups, tool_call_summaries).
 * Histograms are stored as sorted little-endian uint32 [bucket, count] pairs
 * (src/lib/latency-histogram.ts).
 */

const COUNTERS = 'calls, errors, timeouts, duration_sum, duration_max, histogram';
const SLOT_KEY = 'slot_start = ? and tool_name = ? and profile_id = ? and project = ?';
const SUMMARY_KEY = 'grain = ? and scope = ? and slot_start = ? and tool_name = ?';

/**
 * Per rollup table: read a row, insert one, overwrite one's figures. Ingest merges in
 * JavaScript between the read and the write (one transaction): faster than merging histograms
 * in SQL through a registered function.
 */
export const SLOT_ROW = {
  get: `select ${COUNTERS} from tool_call_slot_rollups where ${SLOT_KEY}`,
  insert: `insert into tool_call_slot_rollups (slot_start, tool_name, profile_id, project, ${COUNTERS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  update: `update tool_call_slot_rollups set calls = ?, errors = ?, timeouts = ?, duration_sum = ?, duration_max = ?, histogram = ? where ${SLOT_KEY}`,
};
export const SUMMARY_ROW = {
  get: `select ${COUNTERS} from tool_call_summaries where ${SUMMARY_KEY}`,
  insert: `insert into tool_call_summaries (grain, scope, slot_start, tool_name, ${COUNTERS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  update: `update tool_call_summaries set calls = ?, errors = ?, timeouts = ?, duration_sum = ?, duration_max = ?, histogram = ? where ${SUMMARY_KEY}`,
};

const le32 = (x: string) => `${x} & 255, (${x} >> 8) & 255, (${x} >> 16) & 255, (${x} >> 24) & 255`;
/** The stored histogram of grouped (bucket, n) rows, as SQL builds it. */
export const HISTOGRAM_SQL = (bucket: string, n: string) =>
  `unhex(group_concat(printf('${'%02x'.repeat(8)}', ${le32(bucket)}, ${le32(`min(${n}, 4294967295)`)}), '' order by ${bucket}))`;

/**
 * The slot rollups of the raw rows in [@lo, @hi); total() never overflows (sum() would throw
 * past 2^63). CROSS JOIN keeps the time range the outer loop: the planner otherwise scanned
 * every session for a seek each, for every slice.
 */
export const FILL_SLOTS_FROM_RAW = `insert into tool_call_slot_rollups (slot_start, tool_name, profile_id, project, ${COUNTERS})
  select slot, tool, profile, project, sum(n), sum(e), sum(o), total(s), max(m),
    ${HISTOGRAM_SQL('bucket', 'n')}
  from (
    select t.timestamp / ${SLOT_MS} * ${SLOT_MS} as slot, t.tool_name as tool, coalesce(s.profile_id, 0) as profile,
      coalesce(s.project, '') as project, cast(latency_bucket(t.duration_ms) as integer) as bucket, count(*) as n,
      sum(t.status = 'error') as e, sum(t.status = 'timeout') as o, total(t.duration_ms) as s, max(t.duration_ms) as m
    from tool_calls t cross join sessions s on s.id = t.session_id
    where t.timestamp >= @lo and t.timestamp < @hi
    group by 1, 2, 3, 4, 5)
  group by 1, 2, 3, 4`;

export const SLOTS_IN_RANGE = `select slot_start, tool_name, profile_id, project, ${COUNTERS}
  from tool_call_slot_rollups where slot_start >= @lo and slot_start < @hi`;

/** The max of a row after a subtraction: from the raw rows (slots) or the slot rollups (summaries). */
export const SLOT_MAX = `update tool_call_slot_rollups set duration_max = coalesce((
    select max(t.duration_ms) from tool_calls t join sessions s on s.id = t.session_id
    where t.tool_name = @tool and t.timestamp >= @slot and t.timestamp < @slot + ${SLOT_MS}
      and coalesce(s.profile_id, 0) = @profile and coalesce(s.project, '') = @project), 0)
  where slot_start = @slot and tool_name = @tool and profile_id = @profile and project = @project`;
export const SUMMARY_MAX = `update tool_call_summaries set duration_max = coalesce((
    select max(r.duration_max) from tool_call_slot_rollups r
    where r.slot_start >= @slot and r.slot_start < @slot + @grain and r.tool_name = @tool
      and (@scope = '' or @scope = 'profile:' || r.profile_id or @scope = 'project:' || r.project)), 0)
  where grain = @grain and scope = @scope and slot_start = @slot and tool_name = @tool`;

/** What each tool call of some sessions contributes (the RollupInput of rollups.ts); the caller adds the where. */
export const CALLS_OF = `select t.tool_name as toolName, t.duration_ms as durationMs, t.status, t.timestamp, s.profile_id as profileId, s.project
  from tool_calls t join sessions s on s.id = t.session_id`;

/** Rows a subtraction emptied (the partial indexes on calls = 0 find them). */
export const DELETE_EMPTY = ['delete from tool_call_slot_rollups where calls = 0', 'delete from tool_call_summaries where calls = 0'];
