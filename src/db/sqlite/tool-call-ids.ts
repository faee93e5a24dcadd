import type { Statement } from 'better-sqlite3';
import { hashUuid, type BloomFilter } from './bloom-filter.js';
import { dataVersionReader, type Db } from './client.js';
import { toolCallIdFilter, type ToolCallIdFilter } from './tool-call-id-filter.js';

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
 * Ids a group commit claims join `hot` as they are claimed (a failed job or a rollback takes its
 * own back out). When another connection has committed (the CLI, a second server), the next
 * group reloads `hot` and the runs from the file.
 */

/** A run of tool_call_ids; `minId`/`maxId` bound its ids (null: unknown). */
export type IdRun = { run: number; level: number; firstSeq: number; lastSeq: number; ids: number; dead: number; minId: Buffer | null; maxId: Buffer | null };


/** An id as tool_call_ids keys it: its 16 bytes. */
export const idBytes = (id: string): Buffer => Buffer.from(id.replaceAll('-', ''), 'hex');

type Statements = { probe: Statement; live: Statement };

/** Whether a run holds `id` and its call still exists: the runs the filter cannot rule out, whose id range holds it. */
function inRuns(st: Statements, runs: readonly IdRun[], filter: ToolCallIdFilter, id: string): boolean {
  const maybe = filter.has(hashUuid(id));
  const coveredSeq = filter.coveredSeq();
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

/** How many of `seqs` each run holds (by its seq range). */
function perRun(runs: readonly IdRun[], seqs: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const seq of seqs) {
    const run = runs.find((r) => seq >= r.firstSeq && seq <= r.lastSeq);
    if (run) counts.set(run.run, (counts.get(run.run) ?? 0) + 1);
  }
  return counts;
}

/**
 * The ids the open group commit claimed: in `hot` at once (one map write an id), and listed in
 * order so that a failed job or a rolled-back group takes its own back out.
 */
function groupClaims(hot: Map<string, string>) {
  let claimed: string[] = [];
  let jobStart = 0;
  const unclaim = (from: number) => {
    for (let i = from; i < claimed.length; i++) hot.delete(claimed[i] as string);
    claimed.length = jobStart = from;
  };
  return {
    claim(id: string, sessionId: string): void {
      hot.set(id, sessionId);
      claimed.push(id);
    },
    jobDone(ok: boolean): void {
      if (!ok) unclaim(jobStart);
      jobStart = claimed.length;
    },
    /** Committed: the claims are stored. */
    keep(): void {
      claimed = [];
      jobStart = 0;
    },
    undo: () => unclaim(0),
  };
}

export function toolCallIdIndex(db: Db, log: { warn: (obj: object, msg?: string) => void }) {
  const sql = db.$client;
  const st = {
    runs: sql.prepare('select run, level, first_seq as firstSeq, last_seq as lastSeq, ids, dead, min_id as minId, max_id as maxId from tool_call_id_runs order by last_seq desc, run desc'),
    probe: sql.prepare('select seq from tool_call_ids where run = ? and id = ?').pluck(),
    live: sql.prepare('select 1 from tool_calls where seq = ? and id = ?').pluck(),
    hotMoved: sql.prepare('select id, session_id as session from tool_calls where seq > ?'),
    hotStaged: sql.prepare('select id, session_id as session from tool_call_stage'),
    addDead: sql.prepare('update tool_call_id_runs set dead = dead + ? where run = ?'),
  };
  const dataVersion = dataVersionReader(db);
  let seenVersion = dataVersion();
  /** Newest run first; never empty of meaning: `cutSeq` is the highest seq any run holds. */
  let runs: IdRun[] = [];
  let cutSeq = 0;
  const hot = new Map<string, string>();
  const filter = toolCallIdFilter(db, log);
  const claims = groupClaims(hot);

  function loadRuns(): void {
    runs = st.runs.all() as IdRun[];
    cutSeq = runs.reduce((max, r) => Math.max(max, r.lastSeq), 0);
  }

  /** Ids whose calls are staged or above the last run, from the file. */
  function loadHot(): void {
    hot.clear();
    for (const r of [...st.hotStaged.iterate(), ...st.hotMoved.iterate(cutSeq)] as Array<{ id: string; session: string }>) hot.set(r.id, r.session);
  }

  const storedIds = () => runs.reduce((n, r) => n + r.ids, 0);

  /** Whether `id` is stored, as of this transaction (hot, then the filter, then the runs). */
  const isStored = (id: string): boolean => hot.has(id) || inRuns(st, runs, filter, id);

  loadRuns();
  loadHot();
  filter.open(storedIds(), cutSeq);

  return {
    isStored,

    /** Inside a job: the id is taken (by a call of this session) if the job and its group commit. */
    claim: claims.claim,

    /** Group commit steps (see ingest-group.ts). */
    begin(): void {
      // Claims left by an attempt that never committed (a group starting over with savepoints
      // begins again without a rollback step) were never stored.
      claims.undo();
      const version = dataVersion();
      if (version === seenVersion) return;
      seenVersion = version;
      loadRuns();
      loadHot();
    },
    jobDone: claims.jobDone,
    committed: claims.keep,
    rolledBack: claims.undo,

    /** Inside the transaction that deleted these calls: their runs learn how many of theirs are gone. */
    countDead(seqs: readonly number[]): void {
      for (const [run, n] of perRun(runs, seqs)) st.addDead.run(n, run);
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
      filter.cut(from, to, ids);
      for (const id of ids) hot.delete(id);
    },
    /** The filter needs rebuilding (tool-call-id-filter.ts). */
    filterFull: filter.full,
    /** Swaps in a filter built (by upkeep) over every id up to `upTo`, then covers the rest. */
    replaceFilter: (next: BloomFilter, upTo: number) => filter.replace(next, upTo, cutSeq),
    coveredSeq: filter.coveredSeq,
    /** Saves the filter at close. */
    saveFilter: () => filter.save(storedIds()),
  };
}

export type ToolCallIdIndex = ReturnType<typeof toolCallIdIndex>;
