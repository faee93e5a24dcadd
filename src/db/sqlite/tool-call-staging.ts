import { performance } from 'node:perf_hooks';
import { TOOL_CALL_STATUSES } from '../../lib/vocabulary.js';
import type { Db } from './client.js';
import { SliceSizer } from './slices.js';
import { MAX_SLICE_ROWS, stagedMover } from './tool-call-stage-mover.js';

/** A staged call: the values of tool_calls' columns, in the stage insert's order. */
export type CallTuple = [id: string, sessionId: string, toolName: string, durationMs: number, status: string, errorType: string | null, timestamp: number];

/** A move starts once the oldest staged call has waited this long, or this many calls wait. */
export const MOVE_EVERY_MS = 1000;
export const MOVE_AT_ROWS = 32_768;
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
  const mover = stagedMover(db, onMoved);
  /** Calls committed since the last slice. */
  let intake = 0;
  let pending = 0;
  const sizer = new SliceSizer(500, 100, MAX_SLICE_ROWS, MOVE_SHARE_MS);
  let timer: NodeJS.Timeout | null = null;
  let scheduled = false;
  let stopped = false;

  /** Slices of a move, between requests, until nothing is due. */
  function loop(): void {
    scheduled = false;
    if (stopped || !sqlite.open) return;
    try {
      if (!mover.moving && !due()) {
        if (mover.staged > 0) later();
        return;
      }
      const t0 = performance.now();
      const rows = mover.moving ? Math.min(sizer.size + intake, MAX_SLICE_ROWS) : sizer.size;
      intake = 0;
      const moved = mover.slice(rows);
      sizer.observe(moved, performance.now() - t0);
      onMoved();
      schedule();
    } catch {
      // Busy (another process writes) or closing: the next commit, the timer or a reader moves them.
      later();
    }
  }
  const due = () => mover.staged > 0 && (mover.staged >= MOVE_AT_ROWS || mover.waitedMs() >= moveEveryMs);
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

  return {
    moveAll: mover.moveAll,
    /** Calls committed to the stage and not moved yet. */
    staged: () => mover.staged,

    /** A call breaking a check of tool_calls fails its own ingest here, never the move of everyone's calls. */
    assertStorable(status: string, durationMs: number): void {
      if (!STATUSES.has(status) || !(durationMs >= 0)) throw new Error(`CHECK constraint failed: tool call with status ${status} and duration ${durationMs}`);
    },

    /** Group commit steps: at its start the file may have moved on; at its end its calls are staged. */
    begin: mover.refresh,
    writeBatch(calls: readonly CallTuple[]): void {
      mover.stage(calls);
      pending = calls.length;
    },
    committed(): void {
      if (pending === 0) return;
      mover.committed(pending);
      intake += pending;
      pending = 0;
      if (moveEveryMs === 0) return mover.moveAll();
      if (mover.moving || due()) schedule();
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
