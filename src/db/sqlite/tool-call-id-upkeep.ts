import { performance } from 'node:perf_hooks';
import { BloomFilter, hashUuid } from './bloom-filter.js';
import { writeTransaction, type Db } from './client.js';
import { SliceSizer } from './slices.js';
import { mergeStep, type MergeState } from './tool-call-id-merge.js';
import type { ToolCallIdIndex } from './tool-call-ids.js';

/**
 * Keeps the tool-call id runs (tool-call-ids.ts) few and dense, a short step at a time between
 * requests:
 *  - cut: once `runIds` calls sit above the last run, their ids become a new run (one INSERT …
 *    SELECT … ORDER BY id: an append, ~0.2 µs an id);
 *  - merge: `FANOUT` runs of one level become one run of the next (tiered, like an LSM tree),
 *    so a lookup probes a few runs; a merge also drops ids whose calls were deleted when
 *    enough of them were;
 *  - a run most of whose calls were deleted is rewritten alone;
 *  - the filter is rebuilt larger once the runs outgrow it.
 * Every step is one write transaction of a few milliseconds; a merge's progress is saved, so a
 * restart (or another process on the file) carries it on.
 */

export const RUN_IDS = 16_384;
export const FANOUT = 4;

/** A run's level: its size class, runIds × FANOUT^level (the migration that made the first run uses the same bounds). */
export const levelOf = (ids: number, runIds = RUN_IDS): number => (ids < runIds * FANOUT ? 0 : Math.min(6, Math.floor(Math.log(ids / runIds) / Math.log(FANOUT))));

const MERGE_KEY = 'toolCallIds.merge';
/** Above this share of deleted calls, a merge (or a lone rewrite) checks each id's call. */
const GC_SHARE = 0.1;
const REWRITE_SHARE = 0.5;

export function toolCallIdUpkeep({ db, index, runIds = RUN_IDS, onError }: { db: Db; index: ToolCallIdIndex; runIds?: number; onError: (err: unknown) => void }) {
  const sql = db.$client;
  const st = {
    maxSeq: sql.prepare('select coalesce(max(seq), 0) from tool_calls').pluck(),
    lastRun: sql.prepare('select coalesce(max(last_seq), 0) from tool_call_id_runs').pluck(),
    nextRun: sql.prepare('select coalesce(max(run), 0) + 1 from tool_call_id_runs').pluck(),
    cut: sql.prepare("insert into tool_call_ids (run, id, seq) select ?, unhex(replace(id, '-', '')), seq from tool_calls where seq > ? and seq <= ? order by 2 on conflict do nothing"),
    addRun: sql.prepare('insert into tool_call_id_runs (run, level, first_seq, last_seq, ids, dead) values (?, ?, ?, ?, ?, 0)'),
    loadMerge: sql.prepare(`select value from settings where key = '${MERGE_KEY}'`).pluck(),
    saveMerge: sql.prepare(`insert into settings (key, value, updated_at) values ('${MERGE_KEY}', ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`),
    idsFrom: sql.prepare('select id from tool_calls where seq > ? and seq <= ? limit ?').pluck(),
    seqAfter: sql.prepare('select seq from tool_calls where seq > ? order by seq limit 1 offset ?').pluck(),
  };
  const sizer = new SliceSizer(4096, 512, 262_144);
  let scheduled = false;
  let stopped = false;
  let rebuild: { filter: BloomFilter; done: number; upTo: number } | null = null;

  const merging = (): MergeState | null => {
    const json = st.loadMerge.get() as string | undefined;
    return json === undefined || json === 'null' ? null : (JSON.parse(json) as MergeState);
  };
  const saveMerge = (state: MergeState | null) => st.saveMerge.run(JSON.stringify(state), Date.now());

  /**
   * The oldest runIds..2 × runIds ids above the last run become one; false when fewer wait. A
   * backlog (a bulk load, a start after a crash) is cut a run at a time, between requests.
   */
  function cut(): boolean {
    const range = writeTransaction(db, () => {
      const lo = st.lastRun.get() as number;
      const hi = Math.min(st.maxSeq.get() as number, lo + 2 * runIds);
      if (hi - lo < runIds) return null;
      const run = st.nextRun.get() as number;
      const ids = st.cut.run(run, lo, hi).changes;
      st.addRun.run(run, levelOf(ids, runIds), lo + 1, hi, ids);
      return { lo, hi };
    });
    if (range) index.cutDone(range.lo, range.hi);
    return range !== null;
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

  /** One slice of the filter's rebuild into a larger one; swapped in when it reaches what the old one covers. */
  function rebuildSlice(): void {
    if (!rebuild) {
      const stored = index.runs().reduce((n, r) => n + r.ids, 0);
      rebuild = { filter: new BloomFilter(2 * stored), done: 0, upTo: index.coveredSeq() };
    }
    const t0 = performance.now();
    while (rebuild.done < rebuild.upTo && performance.now() - t0 < 6) {
      const next = Math.min(rebuild.upTo, (st.seqAfter.get(rebuild.done, 4095) as number | undefined) ?? rebuild.upTo);
      for (const id of st.idsFrom.iterate(rebuild.done, next, 4096) as Iterable<string>) rebuild.filter.add(hashUuid(id));
      rebuild.done = next;
    }
    if (rebuild.done >= rebuild.upTo) {
      index.replaceFilter(rebuild.filter, rebuild.upTo);
      rebuild = null;
    }
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
    if (rebuild || index.filterFull()) {
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
