import { performance } from 'node:perf_hooks';
import { BloomFilter, hashUuidBytes } from './bloom-filter.js';
import { writeTransaction, type Db } from './client.js';
import { SliceSizer, TARGET_SLICE_MS } from './slices.js';
import { mergeStep, type MergeState } from './tool-call-id-merge.js';
import { idBytes, MIN_FILTER_CAPACITY, type ToolCallIdIndex } from './tool-call-ids.js';

/**
 * Keeps the tool-call id runs (tool-call-ids.ts) few and dense, a short step at a time between
 * requests:
 *  - cut: the ids of calls above the last run go into runs, a few thousand at a time (one
 *    INSERT … SELECT … ORDER BY id); a run takes them until it holds `runIds`, or for as long
 *    as they sort above its own;
 *  - merge: `FANOUT` runs of one level become one run of the next (tiered, like an LSM tree),
 *    so a lookup probes a few runs; a merge also drops ids whose calls were deleted when
 *    enough of them were;
 *  - a run most of whose calls were deleted is rewritten alone;
 *  - the filter is rebuilt once more ids went into it than it was made for.
 * Every step is one write transaction of a few milliseconds; a merge's progress is saved, so a
 * restart (or another process on the file) carries it on.
 */

export const RUN_IDS = 16_384;
/** Ids a cut takes at a time (~4 ms). */
export const CUT_IDS = 4096;
export const FANOUT = 4;

/** A run's level: its size class, runIds × FANOUT^level (the migration that made the first run uses the same bounds). */
export const levelOf = (ids: number, runIds = RUN_IDS): number => (ids < runIds * FANOUT ? 0 : Math.min(6, Math.floor(Math.log(ids / runIds) / Math.log(FANOUT))));

const MERGE_KEY = 'toolCallIds.merge';
const REBUILD_READ = 4096;
const EMPTY = Buffer.alloc(0);
/** Above this share of deleted calls, a merge (or a lone rewrite) checks each id's call. */
const GC_SHARE = 0.1;
const REWRITE_SHARE = 0.5;

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

export function toolCallIdUpkeep({ db, index, runIds = RUN_IDS, onError }: { db: Db; index: ToolCallIdIndex; runIds?: number; onError: (err: unknown) => void }) {
  const sql = db.$client;
  const cutIds = Math.min(CUT_IDS, runIds);
  const st = {
    maxSeq: sql.prepare('select coalesce(max(seq), 0) from tool_calls').pluck(),
    lastRun: sql.prepare('select coalesce(max(last_seq), 0) from tool_call_id_runs').pluck(),
    newestRun: sql.prepare('select run, last_seq as lastSeq, ids, min_id as minId, max_id as maxId from tool_call_id_runs order by last_seq desc, run desc limit 1'),
    nextRun: sql.prepare('select coalesce(max(run), 0) + 1 from tool_call_id_runs').pluck(),
    cut: sql.prepare("insert into tool_call_ids (run, id, seq) select ?, unhex(replace(id, '-', '')), seq from tool_calls where seq > ? and seq <= ? order by 2 on conflict do nothing"),
    cutIds: sql.prepare('select id from tool_calls where seq > ? and seq <= ?').pluck(),
    addRun: sql.prepare('insert into tool_call_id_runs (run, level, first_seq, last_seq, ids, dead, min_id, max_id) values (?, ?, ?, ?, ?, 0, ?, ?)'),
    extendRun: sql.prepare('update tool_call_id_runs set last_seq = ?, ids = ?, level = ?, min_id = ?, max_id = ? where run = ?'),
    loadMerge: sql.prepare(`select value from settings where key = '${MERGE_KEY}'`).pluck(),
    saveMerge: sql.prepare(`insert into settings (key, value, updated_at) values ('${MERGE_KEY}', ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`),
    runIds: sql.prepare(`select id from tool_call_ids where run = ? and id > ? order by id limit ${REBUILD_READ}`).pluck(),
  };
  const sizer = new SliceSizer(4096, 512, 262_144);
  let scheduled = false;
  let stopped = false;
  let rebuild: { filter: BloomFilter; runs: Set<number>; left: number[]; after: Buffer; upTo: number } | null = null;

  const merging = (): MergeState | null => {
    const json = st.loadMerge.get() as string | undefined;
    return json === undefined || json === 'null' ? null : (JSON.parse(json) as MergeState);
  };
  const saveMerge = (state: MergeState | null) => st.saveMerge.run(JSON.stringify(state), Date.now());

  /**
   * The oldest `cutIds` ids above the last run go into a run; false when fewer wait. They extend
   * the newest run while it is still small (under `runIds`: its pages sit in the cache, so ids
   * may land anywhere in it) or when every one of them sorts above its ids (an append at the end
   * of its key range: time-ordered ids, such as the server's UUID v7, so grow one run that no
   * merge ever rewrites); otherwise they start a run. A few thousand ids a step keeps each step
   * a few milliseconds; a backlog (a bulk load, a start after a crash) is cut between requests.
   */
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
        st.extendRun.run(hi, newest.ids + n, levelOf(newest.ids + n, runIds), ...range, newest.run);
      } else {
        const run = st.nextRun.get() as number;
        const n = st.cut.run(run, lo, hi).changes;
        st.addRun.run(run, levelOf(n, runIds), lo + 1, hi, n, minId, maxId);
      }
      return { lo, hi, ids };
    });
    if (done) index.cutDone(done.lo, done.hi, done.ids);
    return done !== null;
  }

  /** A merge to start: FANOUT runs of the lowest level that has them, or a run mostly deleted. */
  function plan(): MergeState | null {
    const runs = [...index.runs()].sort((a, b) => a.firstSeq - b.firstSeq);
    for (let level = 0; level <= 6; level++) {
      const peers = runs.filter((r) => r.level === level);
      if (peers.length >= FANOUT) {
        const inputs = peers.slice(0, FANOUT);
        const ids = inputs.reduce((n, r) => n + r.ids, 0);
        const dead = inputs.reduce((n, r) => n + r.dead, 0);
        return { into: 0, inputs: inputs.map((r) => r.run), cursor: null, gc: dead > GC_SHARE * ids, phase: 'copy', copied: 0 };
      }
    }
    const wasted = runs.find((r) => r.dead > REWRITE_SHARE * r.ids);
    return wasted ? { into: 0, inputs: [wasted.run], cursor: null, gc: true, phase: 'copy', copied: 0 } : null;
  }

  /**
   * One slice of the filter's rebuild (room for twice the ids stored), read from the runs' own
   * 16-byte keys in key order; swapped in once every run is read. Merges wait for it; if the
   * runs it read were changed anyway (another process merged them), it starts over. A run a cut
   * extended meanwhile is fine: its new ids are above `upTo`, which replaceFilter covers.
   */
  function rebuildSlice(): void {
    if (!rebuild) {
      const runs = index.runs();
      const runNumbers = runs.map((r) => r.run);
      const stored = runs.reduce((n, r) => n + r.ids, 0);
      rebuild = { filter: new BloomFilter(Math.max(MIN_FILTER_CAPACITY, 2 * stored)), runs: new Set(runNumbers), left: runNumbers, after: EMPTY, upTo: index.cutSeq() };
    }
    const t0 = performance.now();
    while (rebuild.left.length > 0 && performance.now() - t0 < TARGET_SLICE_MS) {
      const ids = st.runIds.all(rebuild.left[0], rebuild.after) as Buffer[];
      for (const id of ids) rebuild.filter.add(hashUuidBytes(id));
      if (ids.length < REBUILD_READ) {
        rebuild.left.shift();
        rebuild.after = EMPTY;
      } else rebuild.after = ids[ids.length - 1] as Buffer;
    }
    if (rebuild.left.length > 0) return;
    const { filter, runs, upTo } = rebuild;
    rebuild = null;
    const now = index.runs();
    const same = now.filter((r) => runs.has(r.run)).length === runs.size && now.every((r) => runs.has(r.run) || r.firstSeq > upTo);
    if (same) index.replaceFilter(filter, upTo);
  }

  /** One step of a merge (slices sized to ~TARGET_SLICE_MS), its progress saved in the same transaction. */
  function merge(state: MergeState): void {
    const t0 = performance.now();
    const slice = sizer.size;
    writeTransaction(db, () => saveMerge(mergeStep(db, state, slice, (ids) => levelOf(ids, runIds))));
    sizer.observe(slice, performance.now() - t0);
    index.reloadRuns();
  }

  /** The next step, done now; false when there is nothing to do. Cuts go first: they keep `hot` small, whatever a long merge takes. */
  function step(): boolean {
    if (cut()) return true;
    if (rebuild) {
      rebuildSlice();
      return true;
    }
    const state = merging();
    if (state) {
      merge(state);
      return true;
    }
    const planned = plan();
    if (planned) {
      merge(planned);
      return true;
    }
    if (index.filterFull()) {
      rebuildSlice();
      return true;
    }
    return false;
  }

  function loop(): void {
    scheduled = false;
    if (stopped || !sql.open) return;
    try {
      if (step()) schedule();
    } catch (err) {
      // Busy (another process writes) or closing: the next commit schedules it again.
      onError(err);
    }
  }

  function schedule(): void {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(loop);
  }

  return {
    /** After a commit that may have made work (calls moved, calls deleted). */
    schedule,
    /** Everything now, without yielding (tests, tools). */
    runAll(): void {
      while (step());
    },
    stop(): void {
      stopped = true;
    },
  };
}
