import { performance } from 'node:perf_hooks';
import { writeTransaction, type Db } from './client.js';
import { levelOf } from './tool-call-id-cut.js';

/** Calls above the last id run that a start files at once, rather than hold their ids in memory. */
export const HOT_LIMIT = 200_000;
const COUNTED = ['tool_calls', 'sessions', 'profiles', 'productivity_events', 'feature_usage'];

/**
 * Tool calls written behind the store's back (a bulk load straight into the file, such as the
 * benchmarks' dataset generator) are in no id run and in no kept row count. A start that finds
 * more than HOT_LIMIT of them files them as one run, as migration 0018 did for an upgraded file,
 * and counts the tables' rows again; fewer are cut between requests as usual.
 */
export function fileBulkLoadedCalls(db: Db, log: { warn: (obj: object, msg?: string) => void }): void {
  const sql = db.$client;
  const lastRun = sql.prepare('select coalesce(max(last_seq), 0) from tool_call_id_runs').pluck().get() as number;
  const maxSeq = sql.prepare('select coalesce(max(seq), 0) from tool_calls').pluck().get() as number;
  if (maxSeq - lastRun <= HOT_LIMIT) return;
  const t0 = performance.now();
  const calls = writeTransaction(db, () => {
    const run = sql.prepare('select coalesce(max(run), 0) + 1 from tool_call_id_runs').pluck().get() as number;
    const n = sql.prepare("insert into tool_call_ids (run, id, seq) select ?, unhex(replace(id, '-', '')), seq from tool_calls where seq > ? order by 2 on conflict do nothing").run(run, lastRun).changes;
    const [minId, maxId] = sql.prepare('select min(id), max(id) from tool_call_ids where run = ?').raw().get(run) as [Buffer | null, Buffer | null];
    sql.prepare('insert into tool_call_id_runs (run, level, first_seq, last_seq, ids, dead, min_id, max_id) values (?, ?, ?, ?, ?, 0, ?, ?)').run(run, levelOf(n), lastRun + 1, maxSeq, n, minId, maxId);
    for (const table of COUNTED) sql.prepare(`update row_counts set rows = (select count(*) from ${table}) where table_name = ?`).run(table);
    return n;
  });
  log.warn({ calls, ms: Math.round(performance.now() - t0) }, 'tool calls written straight into the file were filed in the id index, and the rows counted again');
}
