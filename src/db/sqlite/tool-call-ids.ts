import { performance } from 'node:perf_hooks';
import { BloomFilter, hashUuid, hashUuidBytes } from './bloom-filter.js';
import { dataVersionReader, type Db } from './client.js';

/**
 * Which tool-call ids are stored: the contract's duplicate rule (an id stored at any time, with
 * any timestamp, is a duplicate) without an index on tool_calls.id. Clients send random ids, and
 * random keys in one global B-tree wrote about a page per call once it outgrew the page cache
 * (bench/RESULTS.md, "the shapes real clients send"). So, as storage engines do:
 *  - recent ids — staged, or in tool_calls but in no run yet (seq above the last run) — are
 *    held in memory (`hot`), with their session;
 *  - older ids are in sorted runs (tool_call_ids), each written once in id order and merged
 *    with its peers later (tool-call-id-upkeep.ts): no write lands on a random page;
 *  - a Bloom filter over the runs answers "not stored" for almost every new id without a read;
 *    for the rest each run is probed, and a hit counts only if its call still exists (deletes
 *    leave ids in runs until a merge drops them).
 * Ids a group commit claims join `hot` when it commits. When another connection has committed
 * (the CLI, a second server), the next group reloads `hot` and the runs from the file.
 */

/** A run of tool_call_ids; `minId`/`maxId` bound its ids (null: unknown). */
export type IdRun = { run: number; level: number; firstSeq: number; lastSeq: number; ids: number; dead: number; minId: Buffer | null; maxId: Buffer | null };

/** The filter's capacity: room for twice the ids it starts with, at least this many (1.25 MiB). */
export const MIN_FILTER_CAPACITY = 1 << 20;
/** Below this many ids in runs, a start reads them all again rather than keep a saved filter. */
const SAVE_FILTER_FROM = 100_000;

/** An id as tool_call_ids keys it: its 16 bytes. */
export const idBytes = (id: string): Buffer => Buffer.from(id.replaceAll('-', ''), 'hex');

export function toolCallIdIndex(db: Db, log: { warn: (obj: object, msg?: string) => void }) {
  const sql = db.$client;
  const st = {
    runs: sql.prepare('select run, level, first_seq as firstSeq, last_seq as lastSeq, ids, dead, min_id as minId, max_id as maxId from tool_call_id_runs order by last_seq desc, run desc'),
    probe: sql.prepare('select seq from tool_call_ids where run = ? and id = ?').pluck(),
    live: sql.prepare('select 1 from tool_calls where seq = ? and id = ?').pluck(),
    idsFrom: sql.prepare('select id from tool_calls where seq > ? and seq <= ?').pluck(),
    hotMoved: sql.prepare('select id, session_id as session from tool_calls where seq > ?'),
    hotStaged: sql.prepare('select id, session_id as session from tool_call_stage'),
    loadFilter: sql.prepare('select covered_seq as coveredSeq, capacity, added, bits from tool_call_id_filter where id = 1'),
    saveFilter: sql.prepare('insert into tool_call_id_filter (id, covered_seq, capacity, added, bits) values (1, ?, ?, ?, ?) on conflict (id) do update set covered_seq = excluded.covered_seq, capacity = excluded.capacity, added = excluded.added, bits = excluded.bits'),
    addDead: sql.prepare('update tool_call_id_runs set dead = dead + ? where run = ?'),
  };
  const dataVersion = dataVersionReader(db);
  let seenVersion = dataVersion();
  /** Newest run first; never empty of meaning: `cutSeq` is the highest seq any run holds. */
  let runs: IdRun[] = [];
  let cutSeq = 0;
  const hot = new Map<string, string>();
  let filter = new BloomFilter(MIN_FILTER_CAPACITY);
  let coveredSeq = 0;
  let job = new Map<string, string>();
  let group = new Map<string, string>();

  function loadRuns(): void {
    runs = st.runs.all() as IdRun[];
    cutSeq = runs.reduce((max, r) => Math.max(max, r.lastSeq), 0);
  }

  /** Ids whose calls are staged or above the last run, from the file. */
  function loadHot(): void {
    hot.clear();
    for (const r of st.hotStaged.iterate() as Iterable<{ id: string; session: string }>) hot.set(r.id, r.session);
    for (const r of st.hotMoved.iterate(cutSeq) as Iterable<{ id: string; session: string }>) hot.set(r.id, r.session);
  }

  /** Adds the ids of calls with seq in (coveredSeq, upTo] to the filter. */
  function cover(upTo: number, into = filter): void {
    for (const id of st.idsFrom.iterate(coveredSeq, upTo) as Iterable<string>) into.add(hashUuid(id));
    coveredSeq = Math.max(coveredSeq, upTo);
  }

  const storedIds = () => runs.reduce((n, r) => n + r.ids, 0);

  /** The saved filter when it is still big enough, else a new one; then brought up to the last run. */
  function openFilter(): void {
    const t0 = performance.now();
    const saved = st.loadFilter.get() as { coveredSeq: number; capacity: number; added: number; bits: Buffer } | undefined;
    const wanted = Math.max(MIN_FILTER_CAPACITY, 2 * storedIds());
    if (saved && saved.capacity >= Math.max(saved.added, storedIds()) && saved.coveredSeq <= cutSeq) {
      filter = BloomFilter.fromBytes(saved.capacity, Math.max(saved.added, storedIds()), saved.bits);
      coveredSeq = saved.coveredSeq;
    } else {
      filter = new BloomFilter(wanted);
      coveredSeq = 0;
    }
    const from = coveredSeq;
    cover(cutSeq);
    const ms = performance.now() - t0;
    if (ms > 1000) log.warn({ ms: Math.round(ms), ids: cutSeq - from }, 'tool-call id filter: read ids the saved filter did not cover (it is saved at close)');
  }

  /** Whether `id` is stored, as of this transaction (hot, then the filter, then the runs). */
  function isStored(id: string): boolean {
    if (job.has(id) || group.has(id) || hot.has(id)) return true;
    const hashes = hashUuid(id);
    const maybe = filter.has(hashes);
    let bytes: Buffer | null = null;
    for (const r of runs) {
      if (!maybe && r.lastSeq <= coveredSeq) continue;
      bytes ??= idBytes(id);
      if (r.minId && r.maxId && (bytes.compare(r.minId) < 0 || bytes.compare(r.maxId) > 0)) continue;
      const seq = st.probe.get(r.run, bytes) as number | undefined;
      if (seq !== undefined && st.live.get(seq, id) !== undefined) return true;
    }
    return false;
  }

  loadRuns();
  loadHot();
  openFilter();

  return {
    isStored,

    /** Inside a job: the id is taken (by a call of this session) if the job and its group commit. */
    claim(id: string, sessionId: string): void {
      job.set(id, sessionId);
    },

    /** Group commit steps (see ingest-group.ts). */
    begin(): void {
      job = new Map();
      group = new Map();
      const version = dataVersion();
      if (version === seenVersion) return;
      seenVersion = version;
      loadRuns();
      loadHot();
    },
    jobDone(ok: boolean): void {
      if (ok) for (const [id, session] of job) group.set(id, session);
      job = new Map();
    },
    committed(): void {
      for (const [id, session] of group) hot.set(id, session);
      group = new Map();
    },
    rolledBack(): void {
      job = new Map();
      group = new Map();
    },

    /** Inside the transaction that deleted these calls: their runs learn how many of theirs are gone. */
    countDead(seqs: readonly number[]): void {
      const perRun = new Map<number, number>();
      for (const seq of seqs) {
        const run = runs.find((r) => seq >= r.firstSeq && seq <= r.lastSeq);
        if (run) perRun.set(run.run, (perRun.get(run.run) ?? 0) + 1);
      }
      for (const [run, n] of perRun) st.addDead.run(n, run);
    },
    /** After a delete committed: its ids are no longer stored. */
    forget(ids: Iterable<string>): void {
      for (const id of ids) hot.delete(id);
    },
    /** After sessions were deleted: their recent ids (staged ones included) are gone with them. */
    forgetSessions(sessionIds: ReadonlySet<string>): void {
      for (const [id, session] of hot) if (sessionIds.has(session)) hot.delete(id);
    },

    /** For upkeep: the runs as the file has them now (after a change of its own). */
    reloadRuns: loadRuns,
    runs: () => runs,
    cutSeq: () => cutSeq,
    /** After a committed cut of `ids`, the calls with seq in (from, to]: they are in a run now, and in the filter. */
    cutDone(from: number, to: number, ids: readonly string[]): void {
      loadRuns();
      if (coveredSeq < from) cover(from);
      for (const id of ids) {
        filter.add(hashUuid(id));
        hot.delete(id);
      }
      coveredSeq = Math.max(coveredSeq, to);
    },
    hotSize: () => hot.size,
    /** The filter needs rebuilding: more ids went into it than it was made for (new ones, or ones deleted since: it cannot forget). */
    filterFull: () => filter.added > filter.capacity,
    /** Swaps in a filter built (by upkeep) over every id up to `upTo`, then covers the rest. */
    replaceFilter(next: BloomFilter, upTo: number): void {
      filter = next;
      coveredSeq = upTo;
      cover(cutSeq);
    },
    coveredSeq: () => coveredSeq,
    hashBytes: hashUuidBytes,

    /** Saves the filter (when the runs are big enough for it to matter), so the next start reads only the ids it does not cover. */
    saveFilter(): void {
      if (storedIds() >= SAVE_FILTER_FROM) st.saveFilter.run(coveredSeq, filter.capacity, filter.added, filter.toBytes());
    },
  };
}

export type ToolCallIdIndex = ReturnType<typeof toolCallIdIndex>;
