import { performance } from 'node:perf_hooks';
import { Deltas, slotDeltas, type RollupInput } from '../../../lib/rollup-deltas.js';
import { writeTransaction, type Db } from '../client.js';
import type { RollupRows } from './rows.js';
import type { RollupStateAccess } from './state.js';

/**
 * Ingest appends one row of deltas per group commit (tool_call_rollup_deltas); they are folded
 * into the rollup rows when this much time has passed since the last fold or this many rows
 * wait, whichever comes first, and before anything reads or rewrites rollup rows (settle). A
 * commit of a few single calls so appends one small row instead of rewriting a histogram of a
 * few KiB per tool it touched.
 */
export const FOLD_EVERY_MS = 1000;
export const FOLD_EVERY_ROWS = 1000;

export type RollupKeeperOptions = {
  db: Db;
  rows: RollupRows;
  state: RollupStateAccess;
  /** false (DEVFLOW_ROLLUPS=false): ingest and deletes leave the rollups alone. */
  enabled: boolean;
  foldEveryMs?: number;
};

/** Keeps the rollups equal to the stored calls as ingest adds them and deletes take them away. */
export function rollupKeeper({ db, rows, state, enabled, foldEveryMs = FOLD_EVERY_MS }: RollupKeeperOptions) {
  const sqlite = db.$client;
  const st = {
    addDeltas: sqlite.prepare('insert into tool_call_rollup_deltas (deltas) values (?)'),
    pendingDeltas: sqlite.prepare('select id, deltas from tool_call_rollup_deltas order by id'),
    anyPending: sqlite.prepare('select id from tool_call_rollup_deltas limit 1').pluck(),
    clearDeltas: sqlite.prepare('delete from tool_call_rollup_deltas where id <= ?'),
  };
  let appended = 0;
  let foldedAt = performance.now();
  /** When the oldest delta row this process appended and has not folded yet was appended. */
  let pendingSince = 0;

  function fold(): number {
    const slots = new Deltas();
    let last = 0;
    let count = 0;
    for (const r of st.pendingDeltas.iterate() as Iterable<{ id: number; deltas: string }>) {
      slots.decode(r.deltas);
      last = r.id;
      count += 1;
    }
    if (count > 0) {
      rows.applySlots(slots, 1, state.read().closedBefore);
      st.clearDeltas.run(last);
    }
    appended = 0;
    foldedAt = performance.now();
    return count;
  }

  /** Folds the appended deltas: inside the caller's write transaction, or in one of its own; returns the delta rows folded. */
  function settle(): number {
    if (sqlite.inTransaction) return fold();
    if (st.anyPending.get() === undefined) return 0;
    return writeTransaction(db, fold);
  }

  return {
    enabled,
    settle,

    /** Inside a group commit's transaction: the group's stored calls as one row of deltas. */
    append(inputs: readonly RollupInput[]): void {
      if (!enabled || inputs.length === 0) return;
      st.addDeltas.run(slotDeltas(inputs).encode());
      if (appended === 0) pendingSince = performance.now();
      appended += 1;
    },

    /** Delta rows appended and not folded yet, and how long the oldest has waited (readers fold first, so no report sees the lag). */
    lag: (): { pendingBatches: number; seconds: number } => ({ pendingBatches: appended, seconds: appended === 0 ? 0 : (performance.now() - pendingSince) / 1000 }),

    /** Inside a group commit's transaction: folds once foldEveryMs has passed since the last fold or FOLD_EVERY_ROWS rows wait. */
    foldIfDue(): void {
      if (appended > 0 && (appended >= FOLD_EVERY_ROWS || performance.now() - foldedAt >= foldEveryMs)) fold();
    },

    /**
     * Takes deleted tool calls out again (inside the transaction that deleted them, after the
     * delete): counts, sums and histograms subtract exactly; the max of every row touched is
     * recomputed from what is left (raw rows for slots, slot rollups for summaries).
     */
    forget(inputs: readonly RollupInput[]): void {
      if (!enabled || inputs.length === 0) return;
      // A subtraction only touches rows that exist: the calls' own deltas may still wait.
      settle();
      const { slots, summaries } = rows.applySlots(slotDeltas(inputs), -1, state.read().closedBefore);
      rows.settleMaxima(slots, summaries);
    },

    /** The tool calls a session or a profile's sessions hold (the caller moved staged ones first), for forget() once they are deleted. */
    callsOf(of: { sessionId: string } | { profileId: number }): RollupInput[] {
      if (!enabled) return [];
      return ('sessionId' in of ? rows.callsOfSession(of.sessionId) : rows.callsOfProfile(of.profileId)) as RollupInput[];
    },
  };
}

export type RollupKeeper = ReturnType<typeof rollupKeeper>;
