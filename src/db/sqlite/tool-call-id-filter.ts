import { performance } from 'node:perf_hooks';
import { BloomFilter, hashUuid } from './bloom-filter.js';
import type { Db } from './client.js';

/** The filter's capacity: room for twice the ids it starts with, at least this many (1.25 MiB). */
export const MIN_FILTER_CAPACITY = 1 << 20;
/** Below this many ids in runs, a start reads them all again rather than keep a saved filter. */
const SAVE_FILTER_FROM = 100_000;

/**
 * The Bloom filter in front of the id runs (tool-call-ids.ts): it holds the ids of the calls with
 * seq up to `coveredSeq`; loaded at start from where the last close saved it, and brought up to
 * the last run by reading the ids it does not cover.
 */
export function toolCallIdFilter(db: Db, log: { warn: (obj: object, msg?: string) => void }) {
  const sql = db.$client;
  const st = {
    idsFrom: sql.prepare('select id from tool_calls where seq > ? and seq <= ?').pluck(),
    load: sql.prepare('select covered_seq as coveredSeq, capacity, added, bits from tool_call_id_filter where id = 1'),
    save: sql.prepare('insert into tool_call_id_filter (id, covered_seq, capacity, added, bits) values (1, ?, ?, ?, ?) on conflict (id) do update set covered_seq = excluded.covered_seq, capacity = excluded.capacity, added = excluded.added, bits = excluded.bits'),
  };
  let filter = new BloomFilter(MIN_FILTER_CAPACITY);
  let coveredSeq = 0;

  /** Adds the ids of calls with seq in (coveredSeq, upTo]. */
  function cover(upTo: number): void {
    for (const id of st.idsFrom.iterate(coveredSeq, upTo) as Iterable<string>) filter.add(hashUuid(id));
    coveredSeq = Math.max(coveredSeq, upTo);
  }

  return {
    has: (hashes: [number, number]) => filter.has(hashes),
    coveredSeq: () => coveredSeq,

    /** The saved filter when it is still big enough for the `stored` ids, else a new one; then brought up to `cutSeq`. */
    open(stored: number, cutSeq: number): void {
      const t0 = performance.now();
      const saved = st.load.get() as { coveredSeq: number; capacity: number; added: number; bits: Buffer } | undefined;
      if (saved && saved.capacity >= Math.max(saved.added, stored) && saved.coveredSeq <= cutSeq) {
        filter = BloomFilter.fromBytes(saved.capacity, Math.max(saved.added, stored), saved.bits);
        coveredSeq = saved.coveredSeq;
      } else {
        filter = new BloomFilter(Math.max(MIN_FILTER_CAPACITY, 2 * stored));
        coveredSeq = 0;
      }
      const from = coveredSeq;
      cover(cutSeq);
      const ms = performance.now() - t0;
      if (ms > 1000) log.warn({ ms: Math.round(ms), ids: cutSeq - from }, 'tool-call id filter: read ids the saved filter did not cover (it is saved at close)');
    },

    /** A cut of `ids`, the calls with seq in (from, to], went into a run. */
    cut(from: number, to: number, ids: readonly string[]): void {
      if (coveredSeq < from) cover(from);
      for (const id of ids) filter.add(hashUuid(id));
      coveredSeq = Math.max(coveredSeq, to);
    },

    /** It needs rebuilding: more ids went into it than it was made for (new ones, or ones deleted since: it cannot forget). */
    full: () => filter.added > filter.capacity,
    /** Swaps in a filter built (by upkeep) over every id up to `upTo`, then covers the rest up to `cutSeq`. */
    replace(next: BloomFilter, upTo: number, cutSeq: number): void {
      filter = next;
      coveredSeq = upTo;
      cover(cutSeq);
    },

    /** Saves it (when the runs are big enough for that to matter), so the next start reads only the ids it does not cover. */
    save(stored: number): void {
      if (stored >= SAVE_FILTER_FROM) st.save.run(coveredSeq, filter.capacity, filter.added, filter.toBytes());
    },
  };
}

export type ToolCallIdFilter = ReturnType<typeof toolCallIdFilter>;
