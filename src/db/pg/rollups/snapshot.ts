import { sql } from 'drizzle-orm';
import type { RollupState } from '../../store.js';
import { Deltas, type SlotRow } from '../../../lib/rollup-deltas.js';
import type { PgContext } from '../context.js';
import { inTransaction, type PgTx } from '../transaction.js';
import { readRollupState } from './state.js';

/** Rollup rows as a report sees them: folded rows plus the deltas no fold has taken yet. */
export type RollupSnapshot = {
  readonly tx: PgTx;
  readonly state: RollupState;
  /** Slot rows of [lo, hi) (by slot_start), pending deltas included. */
  slots(lo: number, hi: number): Promise<Deltas>;
  /** Summary rows of one grain and scope over [lo, hi), pending deltas included. */
  summaries(grain: number, scope: string, lo: number, hi: number): Promise<Deltas>;
};

type SummaryRow = Omit<SlotRow, 'profile_id' | 'project'> & { grain: number; scope: string };

/**
 * Runs `work` in one REPEATABLE READ, read-only transaction, so the folded rows and the pending
 * deltas it reads come from the same snapshot: a fold committing meanwhile moves deltas into
 * rows the snapshot does not see, and the report counts each call exactly once, whether or not
 * it was folded. No caller has to fold first.
 */
export async function inRollupSnapshot<T>(ctx: PgContext, work: (s: RollupSnapshot) => Promise<T>): Promise<T> {
  return inTransaction(
    ctx,
    async (tx) => {
      await tx.execute(sql`set transaction read only`);
      const state = await readRollupState(tx);
      const { rows } = await tx.execute<{ deltas: string }>(sql`select deltas::text as deltas from tool_call_rollup_deltas`);
      const pending = new Deltas();
      for (const r of rows) pending.decode(r.deltas);
      let pendingSummaries: Deltas | undefined;
      const snapshot: RollupSnapshot = {
        tx,
        state,
        async slots(lo, hi) {
          const out = new Deltas();
          const stored = await tx.execute<SlotRow>(sql`select slot_start, tool_name, profile_id, project, calls, errors, timeouts, duration_sum, duration_max, histogram
            from tool_call_slot_rollups where slot_start >= ${lo} and slot_start < ${hi}`);
          for (const r of stored.rows) out.slot([r.slot_start, r.tool_name, r.profile_id, r.project], r);
          for (const d of pending.rows.values()) if ((d.key[0] as number) >= lo && (d.key[0] as number) < hi) out.delta(d.key, d);
          return dropEmpty(out);
        },
        async summaries(grain, scope, lo, hi) {
          const out = new Deltas();
          const stored = await tx.execute<SummaryRow>(sql`select grain, scope, slot_start, tool_name, calls, errors, timeouts, duration_sum, duration_max, histogram
            from tool_call_summaries where grain = ${grain} and scope = ${scope} and slot_start >= ${lo} and slot_start < ${hi}`);
          for (const r of stored.rows) out.slot([r.grain, r.scope, r.slot_start, r.tool_name], { ...r, profile_id: 0, project: '' });
          pendingSummaries ??= pending.summaries(state.closedBefore);
          for (const d of pendingSummaries.rows.values()) {
            const [g, sc, slot] = d.key as [number, string, number];
            if (g === grain && sc === scope && slot >= lo && slot < hi) out.delta(d.key, d);
          }
          return dropEmpty(out);
        },
      };
      return work(snapshot);
    },
    { isolationLevel: 'repeatable read' },
  );
}

/** Rows pending negative deltas empty are gone for the reader too. */
function dropEmpty(d: Deltas): Deltas {
  for (const [id, row] of d.rows) {
    if (row.calls <= 0) d.rows.delete(id);
    else for (const [bucket, count] of row.hist) if (count <= 0) row.hist.delete(bucket);
  }
  return d;
}
