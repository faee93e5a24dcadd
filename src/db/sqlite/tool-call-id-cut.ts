import { writeTransaction, type Db } from './client.js';
import type { MergeState } from './tool-call-id-merge.js';
import { idBytes, type ToolCallIdIndex } from './tool-call-ids.js';

export const RUN_IDS = 65_536;
/** Ids a cut takes at a time (~4 ms). */
export const CUT_IDS = 4096;
export const FANOUT = 8;

/** Runs' size classes: a run of level n holds runIds × fanout^n ids or more (at most level 6). */
export type RunSizes = { runIds: number; fanout: number };
export const RUN_SIZES: RunSizes = { runIds: RUN_IDS, fanout: FANOUT };

/** A run's level: its size class (migration 0028 files existing runs by the same bounds). */
export const levelOf = (ids: number, { runIds, fanout }: RunSizes = RUN_SIZES): number =>
  ids < runIds * fanout ? 0 : Math.min(6, Math.floor(Math.log(ids / runIds) / Math.log(fanout)));

type Range = [Buffer | null, Buffer | null];

/** Both ranges in one; unknown (null) if either is. */
function widen([min1, max1]: Range, [min2, max2]: Range): Range {
  if (!min1 || !max1 || !min2 || !max2) return [null, null];
  return [min2.compare(min1) < 0 ? min2 : min1, max2.compare(max1) > 0 ? max2 : max1];
}

/** The lowest and highest of some ids, as keys (null, null: none). */
function idRange(ids: readonly string[]): Range {
  if (ids.length === 0) return [null, null];
  let min = ids[0] as string;
  let max = min;
  for (const id of ids) {
    if (id < min) min = id;
    else if (id > max) max = id;
  }
  return [idBytes(min), idBytes(max)];
}

/**
 * Cuts (tool-call-id-upkeep.ts), one a step: the oldest `cutIds` ids above the last run go into a
 * run (false when fewer wait). They extend the newest run while it is still small (under `runIds`: its pages sit in the cache, so ids
 * may land anywhere in it) or when every one of them sorts above its ids (an append at the end
 * of its key range: time-ordered ids, such as the server's UUID v7, so grow one run that no
 * merge ever rewrites); otherwise they start a run. A few thousand ids a step keeps each step
 * a few milliseconds; a backlog (a bulk load, a start after a crash) is cut between requests.
 */
export function idRunCutter({ db, index, sizes, merging }: { db: Db; index: ToolCallIdIndex; sizes: RunSizes; merging: () => MergeState | null }) {
  const { runIds } = sizes;
  const sql = db.$client;
  const cutIds = Math.min(CUT_IDS, runIds);
  const st = {
    maxSeq: sql.prepare('select coalesce(max(seq), 0) from tool_calls').pluck(),
    lastRun: sql.prepare('select coalesce(max(last_seq), 0) from tool_call_id_runs').pluck(),
    newestRun: sql.prepare('select run, last_seq as lastSeq, ids, min_id as minId, max_id as maxId from tool_call_id_runs order by last_seq desc, run desc limit 1'),
    nextRun: sql.prepare('select coalesce(max(run), 0) + 1 from tool_call_id_runs').pluck(),
    // A run extended may hold the id already, for a call deleted since: the new call's seq takes
    // its place (kept, the old one would fail the lookup's check that the call still exists).
    cut: sql.prepare("insert into tool_call_ids (run, id, seq) select ?, unhex(replace(id, '-', '')), seq from tool_calls where seq > ? and seq <= ? order by 2 on conflict (run, id) do update set seq = max(seq, excluded.seq)"),
    cutIds: sql.prepare('select id from tool_calls where seq > ? and seq <= ?').pluck(),
    addRun: sql.prepare('insert into tool_call_id_runs (run, level, first_seq, last_seq, ids, dead, min_id, max_id) values (?, ?, ?, ?, ?, 0, ?, ?)'),
    extendRun: sql.prepare('update tool_call_id_runs set last_seq = ?, ids = ?, level = ?, min_id = ?, max_id = ? where run = ?'),
  };

  function cut(): boolean {
    const done = writeTransaction(db, () => {
      const lo = st.lastRun.get() as number;
      const hi = Math.min(st.maxSeq.get() as number, lo + cutIds);
      if (hi - lo < cutIds) return null;
      const ids = st.cutIds.all(lo, hi) as string[];
      const [minId, maxId] = idRange(ids);
      const newest = st.newestRun.get() as { run: number; lastSeq: number; ids: number; minId: Buffer | null; maxId: Buffer | null } | undefined;
      const merge = merging();
      const free = newest !== undefined && newest.lastSeq === lo && !merge?.inputs.includes(newest.run) && merge?.into !== newest.run;
      // (A cut whose calls were all deleted already extends the newest run by its seq range alone.)
      const above = minId === null || (newest?.maxId != null && minId.compare(newest.maxId) > 0);
      if (free && (above || newest.ids < runIds)) {
        const n = st.cut.run(newest.run, lo, hi).changes;
        const range = newest.ids === 0 ? [minId, maxId] : widen([newest.minId, newest.maxId], [minId, maxId]);
        st.extendRun.run(hi, newest.ids + n, levelOf(newest.ids + n, sizes), ...range, newest.run);
      } else {
        const run = st.nextRun.get() as number;
        const n = st.cut.run(run, lo, hi).changes;
        st.addRun.run(run, levelOf(n, sizes), lo + 1, hi, n, minId, maxId);
      }
      return { lo, hi, ids };
    });
    if (done) index.cutDone(done.lo, done.hi, done.ids);
    return done !== null;
  }

  return cut;
}
