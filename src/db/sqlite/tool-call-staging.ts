import { performance } from 'node:perf_hooks';
import { TOOL_CALL_STATUSES } from '../../lib/vocabulary.js';
import { dataVersionReader, writeTransaction, type Db } from './client.js';
import { isMissingParent } from './session-dims.js';
import { SliceSizer } from './slices.js';
import { stagedMoveStatements, type SavedMove } from './tool-call-stage-sql.js';

/** A staged call: the values of tool_calls' columns, in the stage insert's order. */
export type CallTuple = [id: string, sessionId: string, toolName: string, durationMs: number, status: string, errorType: string | null, timestamp: number];

/** A move starts once the oldest staged call has waited this long, or this many calls wait. */
export const MOVE_EVERY_MS = 1000;
export const MOVE_AT_ROWS = 32_768;
/** The most calls one move sorts (its order is a temporary table in memory). */
const MAX_MOVE_ROWS = 100_000;
const MAX_SLICE_ROWS = 50_000;
/**
 * What a slice of a move spends on the calls staged before the move began, besides as many as
 * came in since the last slice: small, so a move spreads over the second until the next one
 * instead of holding every request in its first 100 ms.
 */
const MOVE_SHARE_MS = 4;

const STATUSES: ReadonlySet<string> = new Set(TOOL_CALL_STATUSES);

/**
 * Where tool calls wait before tool_calls (schema: tool_call_stage), and how they get there.
 * tool_calls' three indexes are keyed by time (one by session then time, one by tool then time):
 * calls inserted in arrival order land on a page per call once clients send their own
 * timestamps, seconds apart. So a group commit appends its calls to the stage (in arrival
 * order: an append whatever their timestamps), and a move takes what is staged, sorts it by
 * (timestamp, id) once, and puts it into tool_calls in that order with its sessions' counters,
 * a slice at a time between requests:
 *  - a move starts once MOVE_EVERY_MS has passed or MOVE_AT_ROWS wait (larger moves cover more
 *    of the clients' timestamp spread), and whenever a reader needs tool_calls complete (moveAll);
 *  - each slice moves a few milliseconds' worth plus as many calls as came in since the slice
 *    before, so moves keep pace with ingest;
 *  - where a move got to is saved with each slice; its calls leave the stage when it ends. After a
 *    crash, or when another process moved on, the move carries on from what was saved.
 * Staged calls are stored: their ids are duplicates from their commit on (tool-call-ids.ts).
 */
export function toolCallStaging(db: Db, moveEveryMs = MOVE_EVERY_MS, onMoved: () => void = () => undefined) {
  const sqlite = db.$client;
  const st = stagedMoveStatements(db);
  const dataVersion = dataVersionReader(db);
  let seenVersion = dataVersion();
  /** Calls in the stage, as far as this connection knows (exact after reload()). */
  let staged = 0;
  /** The move under way: its sorted calls are temp rows next..last. */
  let move: { upTo: number; next: number; last: number } | null = null;
  /** Calls committed since the last slice. */
  let intake = 0;
  let pending = 0;
  let stagedSince = 0;
  const sizer = new SliceSizer(500, 100, MAX_SLICE_ROWS, MOVE_SHARE_MS);
  let timer: NodeJS.Timeout | null = null;
  let scheduled = false;
  let stopped = false;

  /** What is staged, from the file (at start, and after another connection committed). */
  function reload(): void {
    staged = st.count.get() as number;
    move = null;
    stagedSince = performance.now();
  }

  function refresh(): void {
    const version = dataVersion();
    if (version === seenVersion) return;
    seenVersion = version;
    reload();
  }

  /** The move saved (carried on where it got to), else a new one of the oldest staged calls; its order sorted into the temp table. */
  function startMove(): void {
    let saved = st.loadMove.get() as string | undefined;
    if (saved === undefined) {
      const [first, last] = st.bounds.get() as [number | null, number | null];
      if (first === null || last === null) return;
      saved = JSON.stringify({ upTo: Math.min(last, first + MAX_MOVE_ROWS - 1), after: null } satisfies SavedMove);
      st.saveMove.run(saved, Date.now());
    }
    const { upTo, after } = JSON.parse(saved) as SavedMove;
    st.clearOrder.run();
    st.order.run({ upTo, ts: after?.[0] ?? null, id: after?.[1] ?? null });
    const [next, last] = st.orderBounds.get() as [number | null, number | null];
    move = { upTo, next: next ?? 1, last: last ?? 0 };
  }

  /** Moves the next `rows` calls of the move (starting one if none is under way), in one write transaction; how many went. */
  function slice(rows: number): number {
    try {
      return writeTransaction(db, () => {
        refresh();
        if (!move) startMove();
        if (!move) return (staged = 0);
        const from = move.next;
        const to = Math.min(move.last, from + rows - 1);
        if (to >= from) moveRange(move.upTo, from, to);
        move.next = to + 1;
        if (move.next <= move.last) return to - from + 1;
        staged = Math.max(0, staged - st.done.run(move.upTo).changes);
        st.clearMove.run();
        move = null;
        return Math.max(1, to - from + 1);
      });
    } catch (err) {
      move = null; // its temp rows went with the transaction: rebuilt from what was saved
      throw err;
    }
  }

  function moveRange(upTo: number, from: number, to: number): void {
    st.tally.run(from, to);
    let inserted: number;
    try {
      inserted = st.move.run(from, to).changes;
    } catch (err) {
      // A session deleted since (by another process): its calls stay out, as a cascade would take them.
      if (!isMissingParent(err)) throw err;
      inserted = st.moveLive.run(from, to).changes;
    }
    st.counted.run(inserted);
    st.saveMove.run(JSON.stringify({ upTo, after: st.edge.get(to) as [number, string] } satisfies SavedMove), Date.now());
  }

  /** Everything staged into tool_calls now, slice after slice. Not inside a transaction: each slice commits. */
  function moveAll(): void {
    if (sqlite.inTransaction) throw new Error('moving staged tool calls needs its own transactions: move them before opening one');
    let moved = 0;
    for (let n = slice(MAX_SLICE_ROWS); n > 0; n = slice(MAX_SLICE_ROWS)) moved += n;
    if (moved > 0) onMoved();
  }

  /** Slices of a move, between requests, until nothing is due. */
  function loop(): void {
    scheduled = false;
    if (stopped || !sqlite.open) return;
    try {
      if (!move && !due()) {
        if (staged > 0) later();
        return;
      }
      const t0 = performance.now();
      const rows = move ? Math.min(sizer.size + intake, MAX_SLICE_ROWS) : sizer.size;
      intake = 0;
      const moved = slice(rows);
      sizer.observe(moved, performance.now() - t0);
      if (!move) stagedSince = performance.now();
      onMoved();
      schedule();
    } catch {
      // Busy (another process writes) or closing: the next commit, the timer or a reader moves them.
      later();
    }
  }
  const due = () => staged > 0 && (staged >= MOVE_AT_ROWS || performance.now() - stagedSince >= moveEveryMs);
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

    /** Group commit steps: at its start the file may have moved on; at its end its calls are staged. */
    begin: refresh,
    writeBatch(calls: readonly CallTuple[]): void {
      for (const c of calls) st.stage.run(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
      pending = calls.length;
    },
    committed(): void {
      if (pending === 0) return;
      if (staged === 0) stagedSince = performance.now();
      staged += pending;
      intake += pending;
      pending = 0;
      if (moveEveryMs === 0) return moveAll();
      if (move || due()) schedule();
      else later();
    },
    rolledBack(): void {
      pending = 0;
    },

    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

export type ToolCallStaging = ReturnType<typeof toolCallStaging>;
