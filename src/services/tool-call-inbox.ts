import { performance } from 'node:perf_hooks';
import { writeTransaction, type Db } from '../db/sqlite/client.js';
import { TOOL_CALL_STATUSES } from '../lib/vocabulary.js';
import { createGroupTally } from './group-tally.js';
import type { WriteQueue } from './write-queue.js';

/** Staged calls move into tool_calls when this long has passed since the last move, or this many wait. */
export const MOVE_EVERY_MS = 50;
export const MOVE_EVERY_ROWS = 5000;

const COLUMNS = 'id, session_id, tool_name, duration_ms, status, error_type, timestamp';
const STATUSES: ReadonlySet<string> = new Set(TOOL_CALL_STATUSES);

/** A staged call as one element of tool_call_batches.calls: the values in COLUMNS order. */
type CallTuple = [string, string, string, number, string, string | null, number];

/** A tool call as stored (the columns of tool_calls and tool_call_inbox). */
export type StagedCall = { id: string; sessionId: string; toolName: string; durationMs: number; status: string; errorType: string | null; timestamp: number };

export type ToolCallInboxOptions = { db: Db; writes?: WriteQueue; moveEveryMs?: number };

/**
 * Where ingest stores tool calls (schema: tool_call_inbox). tool_calls has two indexes whose
 * newest entries are spread over the whole tree (by session and by tool), so a commit of a few
 * single calls wrote a page per session and per tool touched, ~3 WAL pages a call. Staged
 * here, the calls of one group commit share a page or two; about every MOVE_EVERY_MS one
 * INSERT … SELECT moves everything staged into tool_calls inside a group's transaction, where
 * each of those index pages is written once for hundreds of calls. Single-call ingest: ~70 →
 * ~58 µs of server CPU a call. Calls with a server-made id skip even that: a group's are kept
 * in memory and written as one tool_call_batches row at its commit (→ ~51 µs).
 *
 * Stored means stored: a staged call is committed, an id staged or in tool_calls is a
 * duplicate either way, and everything that reads tool_calls or a session's toolCallCount and
 * lastActivityAt (which the move updates once per session) calls drain() first (in its own
 * write transaction when it writes), so no reader ever misses a call that was answered.
 */
export function createToolCallInbox({ db, writes, moveEveryMs = MOVE_EVERY_MS }: ToolCallInboxOptions) {
  const sqlite = db.$client;
  const st = {
    stored: sqlite.prepare('select 1 from tool_calls where id = ?').pluck(),
    stage: sqlite.prepare(`insert into tool_call_inbox (${COLUMNS}) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing`),
    any: sqlite.prepare('select 1 from tool_call_inbox limit 1').pluck(),
    // `where true`: an INSERT … SELECT with an upsert clause needs a WHERE to parse.
    move: sqlite.prepare(`insert into tool_calls (${COLUMNS}) select ${COLUMNS} from tool_call_inbox where true order by rowid on conflict do nothing`),
    clear: sqlite.prepare('delete from tool_call_inbox'),
    batch: sqlite.prepare('insert into tool_call_batches (calls, sessions) values (?, ?)'),
    anyBatch: sqlite.prepare('select 1 from tool_call_batches limit 1').pluck(),
    // A call whose session is gone goes with it, as the cascade takes a staged row.
    moveBatches: sqlite.prepare(
      `insert into tool_calls (${COLUMNS}) select c->>0, c->>1, c->>2, c->>3, c->>4, c->>5, c->>6 ` +
        'from (select j.value as c from tool_call_batches b, json_each(b.calls) j order by b.id, j.key) ' +
        'where c->>1 in (select id from sessions) on conflict do nothing',
    ),
    clearBatches: sqlite.prepare('delete from tool_call_batches'),
    countNow: sqlite.prepare('update sessions set tool_call_count = tool_call_count + 1, last_activity_at = max(last_activity_at, ?) where id = ?'),
    count: sqlite.prepare(
      'update sessions set tool_call_count = tool_call_count + s.calls, last_activity_at = max(last_activity_at, s.at) ' +
        "from (select j.value->>0 as id, sum(j.value->>1) as calls, max(j.value->>2) as at from tool_call_batches b, json_each(b.sessions) j group by 1) s " +
        'where sessions.id = s.id',
    ),
  };
  let staged = 0;
  let movedAt = performance.now();
  // Server-made calls of the running job, then of the group's jobs that succeeded: written as
  // one tool_call_batches row when the group commits.
  let jobCalls: CallTuple[] = [];
  let groupCalls: CallTuple[] = [];
  // What the group's stored calls add to their sessions (counts and last activity).
  const counts = writes ? createGroupTally(writes) : null;

  function move(): number {
    st.count.run();
    const moved = st.move.run().changes + st.moveBatches.run().changes;
    st.clear.run();
    st.clearBatches.run();
    staged = 0;
    movedAt = performance.now();
    return moved;
  }

  // When ingest stops, what the last commits staged moves moveEveryMs later (so tool_calls is
  // complete for other readers of the file too, such as the sqlite3 shell).
  let timer: NodeJS.Timeout | null = null;
  const moveLater = () => {
    timer = null;
    if (staged > 0 && writes) writes.run(() => staged > 0 && move()).catch(() => undefined);
  };

  writes?.onGroup({
    begin: () => {
      jobCalls = [];
      groupCalls = [];
    },
    afterJob: (ok) => {
      if (ok) for (const call of jobCalls) groupCalls.push(call);
      jobCalls = [];
    },
    beforeCommit: () => {
      const sessions = counts?.take();
      if (sessions && sessions.size > 0) {
        st.batch.run(JSON.stringify(groupCalls), JSON.stringify(Array.from(sessions, ([id, c]) => [id, c.calls, c.at])));
        staged += groupCalls.length;
        groupCalls = [];
      }
      if (staged === 0) return;
      if (staged >= MOVE_EVERY_ROWS || performance.now() - movedAt >= moveEveryMs) move();
      else timer ??= setTimeout(moveLater, moveEveryMs).unref();
    },
  });

  return {
    /**
     * Stages one call inside the caller's write transaction and counts it in its session
     * (toolCallCount, lastActivityAt: in a group commit as the call moves, else at once); false
     * when its id is already stored or staged. `fresh`: the id was made just now, so tool_calls
     * cannot hold it (no lookup).
     */
    insert(r: StagedCall, fresh = false): boolean {
      const inGroup = writes?.inGroup() ?? false;
      // tool_calls' checks hold before it joins a batch, so a bad call fails its ingest (below), never the move.
      if (fresh && inGroup && STATUSES.has(r.status) && r.durationMs >= 0) {
        jobCalls.push([r.id, r.sessionId, r.toolName, r.durationMs, r.status, r.errorType, r.timestamp]);
      } else {
        if (!fresh && st.stored.get(r.id) !== undefined) return false;
        if (st.stage.run(r.id, r.sessionId, r.toolName, r.durationMs, r.status, r.errorType, r.timestamp).changes === 0) return false;
        staged += 1;
      }
      if (inGroup) counts?.add(r.sessionId, 1, r.timestamp);
      else st.countNow.run(r.timestamp, r.sessionId);
      return true;
    },

    /**
     * Moves every staged call into tool_calls: inside the caller's write transaction, or in one
     * of its own. Returns how many moved. Cheap when nothing is staged (one indexed read).
     */
    drain(): number {
      if (sqlite.inTransaction) return move();
      if (st.any.get() === undefined && st.anyBatch.get() === undefined) return 0;
      return writeTransaction(db, () => move());
    },
  };
}

export type ToolCallInbox = ReturnType<typeof createToolCallInbox>;
