import { performance } from 'node:perf_hooks';
import { BloomFilter, hashUuidBytes } from './bloom-filter.js';
import type { Db } from './client.js';
import { TARGET_SLICE_MS } from './slices.js';
import { MIN_FILTER_CAPACITY } from './tool-call-id-filter.js';
import type { ToolCallIdIndex } from './tool-call-ids.js';

const REBUILD_READ = 4096;
const EMPTY = Buffer.alloc(0);

/**
 * One slice of the filter's rebuild (room for twice the ids stored), read from the runs' own
 * 16-byte keys in key order; swapped in once every run is read. Merges wait for it; if the
 * runs it read were changed anyway (another process merged them), it starts over. A run a cut
 * extended meanwhile is fine: its new ids are above `upTo`, which replaceFilter covers.
 */
export function idFilterRebuilder(db: Db, index: ToolCallIdIndex) {
  const st = { runIds: db.$client.prepare(`select id from tool_call_ids where run = ? and id > ? order by id limit ${REBUILD_READ}`).pluck() };
  let rebuild: { filter: BloomFilter; runs: Set<number>; left: number[]; after: Buffer; upTo: number } | null = null;

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

  return {
    /** A rebuild is under way (merges wait for it). */
    active: () => rebuild !== null,
    slice: rebuildSlice,
  };
}
