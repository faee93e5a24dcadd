import { performance } from 'node:perf_hooks';
import { TOOL_CALL_STATUSES } from '../../lib/vocabulary.js';
import { writeTransaction, type Db } from './client.js';

/** Staged calls move into tool_calls when this long has passed since the last move, or this many wait. */
export const MOVE_EVERY_MS = 50;
export const MOVE_EVERY_ROWS = 5000;

const COLUMNS = 'id, session_id, tool_name, duration_ms, status, error_type, timestamp';
const STATUSES: ReadonlySet<string> = new Set(TOOL_CALL_STATUSES);

/** A staged call as one element of tool_call_batches.calls: the values in COLUMNS order. */
export type CallTuple = [string, string, string, number, string, string | null, number];
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
 * Where ingest stores tool calls before tool_calls (schema: tool_call_batches). tool_calls has
 * two indexes whose newest entries are spread over the whole tree (by session and by tool), so
 * a commit of a few single calls wrote a page per session and per tool touched. Staged, the
 * calls of one group commit are one row (JSON), with what they add to their sessions (counts,
 * last activity); about every MOVE_EVERY_MS one INSERT … SELECT moves everything staged into
 * tool_calls, where each of those index pages is written once for hundreds of calls, and the
 * sessions' counters move once per session.
 *
 * Stored means stored: a staged call is committed, and its id is a duplicate from then on (the
 * id index knows it: tool-call-ids.ts). The store moves staged calls before anything reads
 * tool_calls or a session's counters (moveAll), so no reader misses an answered call.
 */
export function toolCallStaging(db: Db, moveEveryMs = MOVE_EVERY_MS) {
  const sqlite = db.$client;
  const st = {
    batch: sqlite.prepare('insert into tool_call_batches (calls, sessions) values (?, ?)'),
    anyBatch: sqlite.prepare('select 1 from tool_call_batches limit 1').pluck(),
    // A call whose session is gone goes with it, as the cascade takes a staged row.
    moveBatches: sqlite.prepare(
      `insert into tool_calls (${COLUMNS}) select c->>0, c->>1, c->>2, c->>3, c->>4, c->>5, c->>6 ` +
        'from (select j.value as c from tool_call_batches b, json_each(b.calls) j order by b.id, j.key) ' +
        'where c->>1 in (select id from sessions)',
    ),
    clearBatches: sqlite.prepare('delete from tool_call_batches'),
    count: sqlite.prepare(
      'update sessions set tool_call_count = tool_call_count + s.calls, last_activity_at = max(last_activity_at, s.at) ' +
        "from (select j.value->>0 as id, sum(j.value->>1) as calls, max(j.value->>2) as at from tool_call_batches b, json_each(b.sessions) j group by 1) s " +
        'where sessions.id = s.id',
    ),
  };
  let staged = 0;
  let movedAt = performance.now();
  let timer: NodeJS.Timeout | null = null;

  function move(): number {
    st.count.run();
    const moved = st.moveBatches.run().changes;
    st.clearBatches.run();
    staged = 0;
    movedAt = performance.now();
    return moved;
  }

  /** Moves every staged call into tool_calls: inside the caller's write transaction, or in one of its own. Cheap when nothing is staged. */
  function moveAll(): number {
    if (sqlite.inTransaction) return move();
    if (st.anyBatch.get() === undefined) return 0;
    return writeTransaction(db, move);
  }

  // When ingest stops, what the last commits staged moves moveEveryMs later (so tool_calls is
  // complete for other readers of the file too, such as the sqlite3 shell).
  const moveLater = () => {
    timer = null;
    if (staged === 0 || !sqlite.open) return;
    try {
      moveAll();
    } catch {
      // Busy or closing: the next group commit or reader moves them.
    }
  };

  return {
    moveAll,

    /** A call breaking a check of tool_calls fails its own ingest here, never the move of everyone's calls. */
    assertStorable(status: string, durationMs: number): void {
      if (!STATUSES.has(status) || !(durationMs >= 0)) throw new Error(`CHECK constraint failed: tool call with status ${status} and duration ${durationMs}`);
    },

    /** At the end of a group commit: its calls and what they add to their sessions, as one batch row. */
    writeBatch(calls: CallTuple[], sessions: SessionTally): void {
      if (calls.length === 0) return;
      st.batch.run(JSON.stringify(calls), JSON.stringify(Array.from(sessions, ([id, c]) => [id, c.calls, c.at])));
      staged += calls.length;
    },

    /** At the end of a group commit: moves what is staged once moveEveryMs has passed (or MOVE_EVERY_ROWS wait), else a little later. */
    moveIfDue(): void {
      if (staged === 0) return;
      if (staged >= MOVE_EVERY_ROWS || performance.now() - movedAt >= moveEveryMs) move();
      else timer ??= setTimeout(moveLater, moveEveryMs).unref();
    },

    stop(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

export type ToolCallStaging = ReturnType<typeof toolCallStaging>;
