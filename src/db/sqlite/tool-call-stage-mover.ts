import { performance } from 'node:perf_hooks';
import { dataVersionReader, writeTransaction, type Db } from './client.js';
import { isMissingParent } from './session-dims.js';
import { STAGE_CHUNK, stagedMoveStatements, type SavedMove } from './tool-call-stage-sql.js';
import type { CallTuple } from './tool-call-staging.js';

/** The most calls one move sorts (its order is a temporary table in memory). */
const MAX_MOVE_ROWS = 100_000;
export const MAX_SLICE_ROWS = 50_000;

type Statements = ReturnType<typeof stagedMoveStatements>;
type Move = { upTo: number; next: number; last: number };

/** The move saved (carried on where it got to), else a new one of the oldest staged calls; its order sorted into the temp table. */
function startMove(st: Statements): Move | null {
  let saved = st.loadMove.get() as string | undefined;
  if (saved === undefined) {
    const [first, last] = st.bounds.get() as [number | null, number | null];
    if (first === null || last === null) return null;
    saved = JSON.stringify({ upTo: Math.min(last, first + MAX_MOVE_ROWS - 1), after: null } satisfies SavedMove);
    st.saveMove.run(saved, Date.now());
  }
  const { upTo, after } = JSON.parse(saved) as SavedMove;
  st.clearOrder.run();
  st.order.run({ upTo, ts: after?.[0] ?? null, id: after?.[1] ?? null });
  const [next, last] = st.orderBounds.get() as [number | null, number | null];
  return { upTo, next: next ?? 1, last: last ?? 0 };
}

/** Slice `from`..`to` of the move: its sessions counted, its calls into tool_calls, where it got to saved. */
function moveRange(st: Statements, upTo: number, from: number, to: number): void {
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

/**
 * The stage and its moves (tool-call-staging.ts says when they run): how many calls are staged,
 * the move under way, and slices of it, each in its own write transaction.
 */
export function stagedMover(db: Db, onMoved: () => void) {
  const sqlite = db.$client;
  const st = stagedMoveStatements(db);
  const dataVersion = dataVersionReader(db);
  let seenVersion = dataVersion();
  /** Calls in the stage, as far as this connection knows (exact after reload()). */
  let staged = 0;
  /** The move under way: its sorted calls are temp rows next..last. */
  let move: Move | null = null;
  /** When the stage last became non-empty or a move ended (the next one is due a while after). */
  let stagedSince = 0;

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

  /** Moves the next `rows` calls of the move (starting one if none is under way), in one write transaction; how many went. */
  function slice(rows: number): number {
    try {
      return writeTransaction(db, () => {
        refresh();
        if (!move) move = startMove(st);
        if (!move) return (staged = 0);
        const from = move.next;
        const to = Math.min(move.last, from + rows - 1);
        if (to >= from) moveRange(st, move.upTo, from, to);
        move.next = to + 1;
        if (move.next <= move.last) return to - from + 1;
        staged = Math.max(0, staged - st.done.run(move.upTo).changes);
        st.clearMove.run();
        move = null;
        stagedSince = performance.now();
        return Math.max(1, to - from + 1);
      });
    } catch (err) {
      move = null; // its temp rows went with the transaction: rebuilt from what was saved
      throw err;
    }
  }

  /** Everything staged into tool_calls now, slice after slice. Not inside a transaction: each slice commits. */
  function moveAll(): void {
    if (sqlite.inTransaction) throw new Error('moving staged tool calls needs its own transactions: move them before opening one');
    let moved = 0;
    for (let n = slice(MAX_SLICE_ROWS); n > 0; n = slice(MAX_SLICE_ROWS)) moved += n;
    if (moved > 0) onMoved();
  }

  /** The parameters of one chunk's statement, reused. */
  const chunk: unknown[] = new Array(STAGE_CHUNK * 7);
  reload();
  return {
    slice,
    moveAll,
    refresh,
    /** Calls a group commit appends (inside its transaction; counted once it committed). */
    stage(calls: readonly CallTuple[]): void {
      let i = 0;
      for (; i + STAGE_CHUNK <= calls.length; i += STAGE_CHUNK) {
        for (let k = 0, p = 0; k < STAGE_CHUNK; k++) for (const v of calls[i + k] as CallTuple) chunk[p++] = v;
        st.stageChunk.run(chunk);
      }
      for (; i < calls.length; i++) st.stage.run(calls[i]);
    },
    committed(n: number): void {
      if (staged === 0) stagedSince = performance.now();
      staged += n;
    },
    get staged() {
      return staged;
    },
    get moving() {
      return move !== null;
    },
    /** How long since the stage became non-empty or the last move ended. */
    waitedMs: () => performance.now() - stagedSince,
  };
}
