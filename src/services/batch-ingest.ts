import type { Db } from '../db/sqlite/client.js';
import { unprocessable, type FieldError } from '../lib/app-error.js';
import type { Indexed, ParsedBatch, Rejection } from '../lib/batch-body.js';
import type { IngestCounters } from './ingest-counters.js';
import { createGroupTally } from './group-tally.js';
import { isMissingParent, type SessionDims, type SessionDimsCache } from './session-dims.js';
import type { WriteQueue } from './write-queue.js';

export type BatchResult = { accepted: number; duplicates: number; rejected: Rejection[] };

export type { SessionDims } from './session-dims.js';

/** What one kind of telemetry row needs to go through the shared batch rules. */
export type IngestSpec<Input, Row> = {
  /** Plain name for messages: "tool call". */
  noun: string;
  /** Normalises a validated input into the row to store (server-made id, computed fields). */
  toRow: (input: Input, now: number) => Row;
  sessionIdOf: (row: Row) => string;
  /** The row's time, which advances its session's last activity. */
  activityAt: (row: Row) => number;
  /** Inserts one row unless its id exists; returns true when stored (prepare it once). */
  insert: (db: Db, row: Row, input: Input) => boolean;
  /** Rows that count as tool calls in sessions.tool_call_count. */
  countsToolCalls?: boolean;
  /** insert() itself counts each stored row in its session, count and last activity (tool calls: the inbox, at its move). */
  countsItself?: boolean;
  /**
   * Runs in the same transaction with the rows actually inserted (not duplicates), as the last
   * step of a job that succeeded: tool calls maintain their rollups.
   */
  onStored?: (db: Db, stored: Array<{ row: Row; session: SessionDims }>) => void;
};

type Deps = { db: Db; now: () => number; writes: WriteQueue; counters: IngestCounters; sessionDims: SessionDimsCache };

/**
 * The batch rules shared by tool calls, productivity events and feature usage (contract
 * "Tool calls"): all-or-nothing unless partial; unknown sessions → 422 listing them;
 * an id already stored or repeated in the batch is a duplicate, not an error; the session's
 * counters move in the same transaction as the rows: once per session at the end of the group
 * commit, so concurrent single calls of one session update its row (and the index on its last
 * activity) once, not once each.
 */
export function createBatchIngester<Input, Row>(deps: Deps, spec: IngestSpec<Input, Row>) {
  // Plain prepared statements: Drizzle's placeholder filling and row mapping were ~3 µs of a
  // single tool call's ingest.
  const bumpSession = deps.db.$client.prepare(
    'update sessions set tool_call_count = tool_call_count + ?, last_activity_at = max(last_activity_at, ?) where id = ?',
  );
  const knownSessions = (ids: string[]) => {
    const found = new Map<string, SessionDims>();
    for (const id of ids) {
      const dims = deps.sessionDims.get(id);
      if (dims) found.set(id, dims);
    }
    return found;
  };

  // What the group's jobs stored per session, applied as its transaction ends.
  const stored = createGroupTally(deps.writes);
  deps.writes.onGroup({
    beforeCommit: () => {
      for (const [id, b] of stored.take()) bumpSession.run(spec.countsToolCalls ? b.calls : 0, b.at, id);
    },
  });
  const count = (sessionId: string, row: Row) => {
    if (!spec.countsItself) stored.add(sessionId, 1, spec.activityAt(row));
  };

  /** Unknown sessions: a 422 naming them all, or (partial) one rejection per item. */
  function unknownSessions(unknown: Array<{ index: number; row: Row }>, partial: boolean, isBatch: boolean): Rejection[] {
    const errors: FieldError[] = unknown.map((r) => ({
      path: `${isBatch ? `/items/${r.index}` : ''}/sessionId`,
      message: `unknown session ${spec.sessionIdOf(r.row)}`,
    }));
    if (!partial) {
      const ids = [...new Set(unknown.map((r) => spec.sessionIdOf(r.row)))];
      throw unprocessable('UNKNOWN_SESSION', `unknown session id(s): ${ids.join(', ')}; nothing was stored`, errors);
    }
    return unknown.map((r, i) => ({ index: r.index, code: 'UNKNOWN_SESSION', errors: [errors[i] as FieldError] }));
  }

  function storeOne(db: Db, item: Indexed<Input>, partial: boolean, isBatch: boolean): BatchResult {
    const row = spec.toRow(item.value, deps.now());
    const sessionId = spec.sessionIdOf(row);
    const session = deps.sessionDims.get(sessionId);
    const unknown = () => ({ accepted: 0, duplicates: 0, rejected: unknownSessions([{ index: item.index, row }], partial, isBatch) });
    if (!session) return unknown();
    let inserted: boolean;
    try {
      inserted = spec.insert(db, row, item.value);
    } catch (err) {
      // Remembered, but deleted since (by another process): the insert wrote nothing.
      if (!isMissingParent(err)) throw err;
      deps.sessionDims.forgetAll();
      return unknown();
    }
    if (!inserted) return { accepted: 0, duplicates: 1, rejected: [] };
    count(sessionId, row);
    spec.onStored?.(db, [{ row, session }]);
    return { accepted: 1, duplicates: 0, rejected: [] };
  }

  function store(db: Db, items: Array<Indexed<Input>>, partial: boolean, isBatch: boolean): BatchResult {
    if (items.length === 1) return storeOne(db, items[0] as Indexed<Input>, partial, isBatch);
    const now = deps.now();
    const rows = items.map((item) => ({ index: item.index, input: item.value, row: spec.toRow(item.value, now) }));
    const known = knownSessions([...new Set(rows.map((r) => spec.sessionIdOf(r.row)))]);
    const unknown = rows.filter((r) => !known.has(spec.sessionIdOf(r.row)));
    const rejected = unknown.length > 0 ? unknownSessions(unknown, partial, isBatch) : [];
    const inserted: Array<{ row: Row; session: SessionDims }> = [];
    for (const { row, input } of rows) {
      const sessionId = spec.sessionIdOf(row);
      const session = known.get(sessionId);
      if (!session || !spec.insert(db, row, input)) continue;
      inserted.push({ row, session });
      count(sessionId, row);
    }
    if (inserted.length > 0) spec.onStored?.(db, inserted);
    const accepted = inserted.length;
    return { accepted, duplicates: rows.length - unknown.length - accepted, rejected };
  }

  return {
    /** Stores a parsed batch through the group-commit queue; resolves after the commit. */
    async ingest(batch: ParsedBatch<Input>, partial: boolean): Promise<BatchResult> {
      const result = batch.items.length === 0
        ? { accepted: 0, duplicates: 0, rejected: [] }
        : await deps.writes.run((db) => store(db, batch.items, partial, batch.isBatch), batch.items.length);
      const rejected = [...batch.rejected, ...result.rejected].sort((a, b) => a.index - b.index);
      deps.counters.recordBatch({ accepted: result.accepted, duplicates: result.duplicates, rejected: rejected.length });
      return { ...result, rejected };
    },
  };
}
