import { performance } from 'node:perf_hooks';
import { TOOL_CALL_STATUSES } from '../../lib/vocabulary.js';
import { dataVersionReader, writeTransaction, type Db } from './client.js';
import { isMissingParent } from './session-dims.js';
import { SliceSizer } from './slices.js';
import { StagedMerge, sortedRun, type CallTuple, type Key, type StagedRun } from './staged-merge.js';

export type { CallTuple } from './staged-merge.js';

/** A move starts once the oldest staged call has waited this long, or this many calls wait. */
export const MOVE_EVERY_MS = 1000;
export const MOVE_AT_ROWS = 32_768;
const MAX_SLICE_ROWS = 50_000;
/**
 * What a slice of a move spends on the calls staged before the move began, besides the ones that
 * came in since the last slice: small, so a move spreads over the second until the next one
 * instead of holding every request in its first 100 ms.
 */
const MOVE_SHARE_MS = 4;

const STATUSES: ReadonlySet<string> = new Set(TOOL_CALL_STATUSES);
const MOVE_KEY = 'toolCalls.move';
const COLUMNS = 'id, session_id, tool_name, duration_ms, status, error_type, timestamp';
const VALUES = 'value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6';

/** Per session: how many calls were stored and the latest time among them (its last activity). */
export type SessionTally = Map<string, { calls: number; at: number }>;

export function addTo(tally: SessionTally, sessionId: string, calls: number, at: number): void {
  const c = tally.get(sessionId);
  if (c) {
    c.calls += calls;
    c.at = Math.max(c.at, at);
  } else tally.set(sessionId, { calls, at });
}

/**
 * Where tool calls wait before tool_calls (schema: tool_call_batches), and how they get there.
 * tool_calls' three indexes are keyed by time (one by session then time, one by tool then time):
 * calls inserted in arrival order land on a page per call once clients send their own
 * timestamps, a few seconds apart (bench/RESULTS.md). So:
 *  - a group commit writes its calls as one row of JSON (a page or two, whatever the count) and
 *    keeps them here, sorted, in memory;
 *  - a move takes every call staged until it starts, oldest timestamp first (a merge of the
 *    groups' sorted runs), in slices of a few milliseconds each in its own transaction: each
 *    slice's calls go onto neighbouring index pages, and their sessions' counters move with
 *    them; the last slice deletes the moved rows. Where it got to is saved with every slice, so
 *    a crash neither loses nor repeats a call;
 *  - moves start once MOVE_EVERY_MS has passed or MOVE_AT_ROWS wait (larger moves cover more of
 *    the clients' timestamp spread), and whenever a reader needs tool_calls complete (moveAll).
 * Staged calls are stored: their ids are duplicates from their commit on (tool-call-ids.ts).
 */
export function toolCallStaging(db: Db, moveEveryMs = MOVE_EVERY_MS, onMoved: () => void = () => undefined) {
  const sqlite = db.$client;
  const st = {
    batch: sqlite.prepare('insert into tool_call_batches (calls) values (?)'),
    batches: sqlite.prepare('select id, calls from tool_call_batches order by id'),
    // In the slice's order. A call whose session is gone by now (deleted by another process
    // since) fails the statement on its foreign key; then the slice goes again without such
    // calls, as a cascade would have taken them (checking every call up front costs ~0.5 µs one).
    insert: sqlite.prepare(`insert into tool_calls (${COLUMNS}) select ${VALUES} from json_each(?)`),
    insertLive: sqlite.prepare(`insert into tool_calls (${COLUMNS}) select ${VALUES} from json_each(?) where value->>1 in (select id from sessions)`),
    count: sqlite.prepare(
      'update sessions set tool_call_count = tool_call_count + s.n, last_activity_at = max(last_activity_at, s.at) ' +
        'from (select value->>0 as id, value->>1 as n, value->>2 as at from json_each(?)) s where sessions.id = s.id',
    ),
    counted: sqlite.prepare(`update row_counts set rows = rows + ? where table_name = 'tool_calls'`),
    done: sqlite.prepare('delete from tool_call_batches where id <= ?'),
    loadMove: sqlite.prepare(`select value from settings where key = '${MOVE_KEY}'`).pluck(),
    saveMove: sqlite.prepare(`insert into settings (key, value, updated_at) values ('${MOVE_KEY}', ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`),
    clearMove: sqlite.prepare(`delete from settings where key = '${MOVE_KEY}'`),
  };
  const dataVersion = dataVersionReader(db);
  let seenVersion = dataVersion();
  let runs: StagedRun[] = [];
  let pending: StagedRun | null = null;
  let move: { upTo: number; merge: StagedMerge } | null = null;
  let stagedSince = 0;
  // Calls committed since the last slice of a move: each slice moves as many on top of its timed
  // share, so the move keeps pace with ingest however many requests one turn of the loop answers.
  let intake = 0;
  const sizer = new SliceSizer(500, 100, MAX_SLICE_ROWS, MOVE_SHARE_MS);
  let timer: NodeJS.Timeout | null = null;
  let scheduled = false;
  let stopped = false;

  const staged = () => runs.reduce((n, r) => n + r.calls.length, 0);
  const savedMove = () => JSON.parse((st.loadMove.get() as string | undefined) ?? 'null') as { upTo: number; after: Key } | null;

  /** What is staged, from the file (at start, and after another connection committed). */
  function reload(): void {
    runs = (st.batches.all() as Array<{ id: number; calls: string }>).map((b) => sortedRun(b.id, JSON.parse(b.calls) as CallTuple[]));
    move = null;
    stagedSince = performance.now();
  }

  function refresh(): void {
    const version = dataVersion();
    if (version === seenVersion) return;
    seenVersion = version;
    reload();
  }

  /** One slice of the move (started if none is under way), in its own write transaction. */
  function slice(rows: number): void {
    writeTransaction(db, () => {
      refresh();
      if (!move) {
        const saved = savedMove();
        const upTo = saved?.upTo ?? Math.max(0, ...runs.map((r) => r.batch));
        move = { upTo, merge: new StagedMerge(runs.filter((r) => r.batch <= upTo), saved?.after ?? null) };
      }
      const calls = move.merge.take(rows);
      if (calls.length > 0) {
        const json = JSON.stringify(calls);
        let inserted: number;
        try {
          inserted = st.insert.run(json).changes;
        } catch (err) {
          if (!isMissingParent(err)) throw err;
          inserted = st.insertLive.run(json).changes;
        }
        st.counted.run(inserted);
        const tally: SessionTally = new Map();
        for (const c of calls) addTo(tally, c[1], 1, c[6]);
        st.count.run(JSON.stringify(Array.from(tally, ([id, t]) => [id, t.calls, t.at])));
      }
      if (!move.merge.empty) {
        const last = calls[calls.length - 1] as CallTuple;
        st.saveMove.run(JSON.stringify({ upTo: move.upTo, after: [last[6], last[0]] }), Date.now());
        return;
      }
      st.done.run(move.upTo);
      st.clearMove.run();
      const upTo = move.upTo;
      runs = runs.filter((r) => r.batch > upTo);
      move = null;
      stagedSince = performance.now();
    });
  }

  /** Everything staged into tool_calls now, slice after slice. Not inside a transaction: each slice commits. */
  function moveAll(): void {
    if (sqlite.inTransaction) throw new Error('moving staged tool calls needs its own transactions: move them before opening one');
    refresh();
    let moved = false;
    while (move || runs.length > 0 || savedMove()) {
      slice(MAX_SLICE_ROWS);
      moved = true;
    }
    if (moved) onMoved();
  }

  /** Slices of a move, between requests, until nothing is due. */
  function loop(): void {
    scheduled = false;
    if (stopped || !sqlite.open) return;
    try {
      if (!move && !due()) return;
      const t0 = performance.now();
      // A move's first slice starts from what was staged before it (the sizer's share drains
      // that); from then on each slice also takes what came in since the last one.
      const rows = move ? Math.min(sizer.size + intake, MAX_SLICE_ROWS) : sizer.size;
      intake = 0;
      slice(rows);
      sizer.observe(rows, performance.now() - t0);
      onMoved();
      schedule();
    } catch {
      // Busy (another process writes) or closing: the next commit, the timer or a reader moves them.
      later();
    }
  }
  const due = () => runs.length > 0 && (staged() >= MOVE_AT_ROWS || performance.now() - stagedSince >= moveEveryMs);
  const schedule = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(loop);
  };
  // When ingest stops, what the last commits staged moves moveEveryMs later (so tool_calls is
  // complete for other readers of the file too, such as the sqlite3 shell).
  const later = () => {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = null;
      schedule();
    }, moveEveryMs).unref();
  };

  reload();
  return {
    moveAll,

    /** A call breaking a check of tool_calls fails its own ingest here, never the move of everyone's calls. */
    assertStorable(status: string, durationMs: number): void {
      if (!STATUSES.has(status) || !(durationMs >= 0)) throw new Error(`CHECK constraint failed: tool call with status ${status} and duration ${durationMs}`);
    },

    /** Group commit steps: at its start the file may have moved on; at its end its calls are one row. */
    begin: refresh,
    writeBatch(calls: CallTuple[]): void {
      pending = calls.length === 0 ? null : sortedRun(Number(st.batch.run(JSON.stringify(calls)).lastInsertRowid), calls);
    },
    committed(): void {
      if (!pending) return;
      if (runs.length === 0) stagedSince = performance.now();
      intake += pending.calls.length;
      runs.push(pending);
      pending = null;
      if (moveEveryMs === 0) return moveAll();
      if (move || due()) schedule();
      else later();
    },
    rolledBack(): void {
      pending = null;
    },

    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

export type ToolCallStaging = ReturnType<typeof toolCallStaging>;
