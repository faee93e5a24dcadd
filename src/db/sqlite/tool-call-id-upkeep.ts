import { performance } from 'node:perf_hooks';
import { writeTransaction, type Db } from './client.js';
import { SliceSizer } from './slices.js';
import { idRunCutter, levelOf, RUN_SIZES, type RunSizes } from './tool-call-id-cut.js';
import { idFilterRebuilder } from './tool-call-id-filter-rebuild.js';
import { mergeStep, type MergeState } from './tool-call-id-merge.js';
import type { IdRun, ToolCallIdIndex } from './tool-call-ids.js';

/**
 * Keeps the tool-call id runs (tool-call-ids.ts) few and dense, a short step at a time between
 * requests:
 *  - cut: the ids of calls above the last run go into runs, a few thousand at a time (one
 *    INSERT … SELECT … ORDER BY id); a run takes them until it holds `runIds`, or for as long
 *    as they sort above its own;
 *  - merge: `fanout` runs of one level become one run of the next (tiered, like an LSM tree),
 *    so a lookup probes a few runs; a merge also drops ids whose calls were deleted when
 *    enough of them were;
 *  - a run most of whose calls were deleted is rewritten alone;
 *  - the filter is rebuilt once more ids went into it than it was made for.
 * Every step is one write transaction of a few milliseconds; a merge's progress is saved, so a
 * restart (or another process on the file) carries it on.
 */

const MERGE_KEY = 'toolCallIds.merge';
/** Above this share of deleted calls, a merge (or a lone rewrite) checks each id's call. */
const GC_SHARE = 0.1;
const REWRITE_SHARE = 0.5;

/** A merge to start: `fanout` runs of the lowest level that has them, or a run mostly deleted. */
function plan(all: readonly IdRun[], fanout: number): MergeState | null {
  const runs = [...all].sort((a, b) => a.firstSeq - b.firstSeq);
  for (let level = 0; level <= 6; level++) {
    const peers = runs.filter((r) => r.level === level);
    if (peers.length >= fanout) {
      const inputs = peers.slice(0, fanout);
      const ids = inputs.reduce((n, r) => n + r.ids, 0);
      const dead = inputs.reduce((n, r) => n + r.dead, 0);
      return { into: 0, inputs: inputs.map((r) => r.run), cursor: null, gc: dead > GC_SHARE * ids, phase: 'copy', copied: 0 };
    }
  }
  const wasted = runs.find((r) => r.dead > REWRITE_SHARE * r.ids);
  return wasted ? { into: 0, inputs: [wasted.run], cursor: null, gc: true, phase: 'copy', copied: 0 } : null;
}

export function toolCallIdUpkeep({ db, index, sizes = RUN_SIZES, onError }: { db: Db; index: ToolCallIdIndex; sizes?: RunSizes; onError: (err: unknown) => void }) {
  const sql = db.$client;
  const st = {
    loadMerge: sql.prepare(`select value from settings where key = '${MERGE_KEY}'`).pluck(),
    saveMerge: sql.prepare(`insert into settings (key, value, updated_at) values ('${MERGE_KEY}', ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`),
  };
  const sizer = new SliceSizer(4096, 512, 262_144);
  let scheduled = false;
  let stopped = false;

  const merging = (): MergeState | null => {
    const json = st.loadMerge.get() as string | undefined;
    return json === undefined || json === 'null' ? null : (JSON.parse(json) as MergeState);
  };
  const saveMerge = (state: MergeState | null) => st.saveMerge.run(JSON.stringify(state), Date.now());
  const cut = idRunCutter({ db, index, sizes, merging });
  const rebuild = idFilterRebuilder(db, index);

  /** One step of a merge (slices sized to ~TARGET_SLICE_MS), its progress saved in the same transaction. */
  function merge(state: MergeState): void {
    const t0 = performance.now();
    const slice = sizer.size;
    writeTransaction(db, () => saveMerge(mergeStep(db, state, slice, (ids) => levelOf(ids, sizes))));
    sizer.observe(slice, performance.now() - t0);
    index.reloadRuns();
  }

  /** The next step, done now; false when there is nothing to do. Cuts go first: they keep `hot` small, whatever a long merge takes. */
  function step(): boolean {
    // The runs as the file has them now: another process may have cut, merged or rewritten them.
    index.reloadRuns();
    if (cut()) return true;
    if (rebuild.active()) {
      rebuild.slice();
      return true;
    }
    const state = merging();
    if (state) {
      merge(state);
      return true;
    }
    const planned = plan(index.runs(), sizes.fanout);
    if (planned) {
      merge(planned);
      return true;
    }
    if (index.filterFull()) {
      rebuild.slice();
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
