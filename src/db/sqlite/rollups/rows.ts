import type { Statement } from 'better-sqlite3';
import { bucketOf, encodeHistogram, mergeEncoded } from '../../../lib/latency-histogram.js';
import { Deltas, type SlotRow } from '../../../lib/rollup-deltas.js';
import { DAY_MS, GRAINS } from '../../../lib/rollup-grains.js';
import type { Db } from '../client.js';
import { CALLS_OF, DELETE_EMPTY, FILL_SLOTS_FROM_RAW, SLOT_MAX, SLOT_ROW, SLOTS_IN_RANGE, SUMMARY_MAX, SUMMARY_ROW } from './sql.js';

type RowStatements = { get: Statement; insert: Statement; update: Statement };
type StoredRow = { calls: number; errors: number; timeouts: number; duration_sum: number; duration_max: number; histogram: Uint8Array };

const rowStatements = (s: Db['$client'], sql: Record<keyof RowStatements, string>): RowStatements => ({
  get: s.prepare(sql.get),
  insert: s.prepare(sql.insert),
  update: s.prepare(sql.update),
});

/** The rollup tables' statements: what folding, forgetting, rebuilding and rollup retention read and write. */
export function rollupRows(db: Db) {
  const s = db.$client;
  // Bucket numbers in SQL too, so a rebuild aggregates raw rows without leaving SQLite.
  s.function('latency_bucket', { deterministic: true }, (d: unknown) => bucketOf(Number(d)));
  const st = {
    slotRow: rowStatements(s, SLOT_ROW),
    summaryRow: rowStatements(s, SUMMARY_ROW),
    clearSlots: s.prepare('delete from tool_call_slot_rollups where slot_start >= @lo and slot_start < @hi'),
    fillSlots: s.prepare(FILL_SLOTS_FROM_RAW),
    slotsInRange: s.prepare(SLOTS_IN_RANGE),
    dayFingerprint: s.prepare('select count(*) as n, total(calls) as calls, total(duration_sum) as sum from tool_call_slot_rollups where slot_start >= @lo and slot_start < @hi'),
    clearSummaries: s.prepare('delete from tool_call_summaries where grain = @grain and slot_start >= @lo and slot_start < @hi'),
    deleteEmpty: DELETE_EMPTY.map((sql) => s.prepare(sql)),
    slotMax: s.prepare(SLOT_MAX),
    summaryMax: s.prepare(SUMMARY_MAX),
    callsOfSession: s.prepare(`${CALLS_OF} where t.session_id = ?`),
    callsOfProfile: s.prepare(`${CALLS_OF} where s.profile_id = ?`),
    // Per grain for the summaries: their primary key starts with (grain, slot_start).
    oldest: [s.prepare('select min(slot_start) as t from tool_call_slot_rollups'), ...GRAINS.map((g) => s.prepare(`select min(slot_start) as t from tool_call_summaries where grain = ${g}`))],
    deleteBefore: [s.prepare('delete from tool_call_slot_rollups where slot_start < @hi'), ...GRAINS.map((g) => s.prepare(`delete from tool_call_summaries where grain = ${g} and slot_start < @hi`))],
  };

  /**
   * Adds (sign 1) or subtracts (sign −1) deltas: a subtraction only touches rows that exist and
   * leaves their max alone (the caller recomputes it or knows it cannot have shrunk). Ingest
   * merges in JavaScript between the read and the write (one transaction): faster than merging
   * histograms in SQL through a registered function.
   */
  function write(d: Deltas, row: RowStatements, sign: 1 | -1): void {
    for (const x of d.rows.values()) {
      const cur = row.get.get(...x.key) as StoredRow | undefined;
      if (!cur) {
        if (sign > 0) row.insert.run(...x.key, x.calls, x.errors, x.timeouts, x.sum, x.max, encodeHistogram(x.hist));
        continue;
      }
      row.update.run(
        cur.calls + sign * x.calls,
        cur.errors + sign * x.errors,
        cur.timeouts + sign * x.timeouts,
        cur.duration_sum + sign * x.sum,
        sign > 0 ? Math.max(cur.duration_max, x.max) : cur.duration_max,
        mergeEncoded(cur.histogram, x.hist, sign),
        ...x.key,
      );
    }
  }

  return {
    /** Slot deltas and every summary they feed (summaries longer than a slot only for days before closedBefore). */
    applySlots(slots: Deltas, sign: 1 | -1, closedBefore: number | null): { slots: Deltas; summaries: Deltas } {
      // Every summary key is a function of the slot key (a slot lies in one hour and one day).
      const summaries = slots.summaries(closedBefore);
      write(slots, st.slotRow, sign);
      write(summaries, st.summaryRow, sign);
      return { slots, summaries };
    },

    /** After a subtraction: the max of every row touched, from what is left; emptied rows go. */
    settleMaxima(slots: Deltas, summaries: Deltas): void {
      for (const { key } of slots.rows.values()) st.slotMax.run({ slot: key[0], tool: key[1], profile: key[2], project: key[3] });
      for (const { key } of summaries.rows.values()) st.summaryMax.run({ grain: key[0], scope: key[1], slot: key[2], tool: key[3] });
      for (const stmt of st.deleteEmpty) stmt.run();
    },

    writeSummaries: (deltas: Deltas) => write(deltas, st.summaryRow, 1),
    clearDaySummaries(day: number): void {
      for (const grain of GRAINS) st.clearSummaries.run({ grain, lo: day, hi: day + DAY_MS });
    },

    /** Recomputes the slot rollups of [lo, hi) from the raw rows (the caller's transaction). */
    rebuildSlots(lo: number, hi: number): void {
      st.clearSlots.run({ lo, hi });
      st.fillSlots.run({ lo, hi });
    },

    /** The slot rollups of [lo, hi), as deltas. */
    readSlots(lo: number, hi: number): Deltas {
      const out = new Deltas();
      for (const r of st.slotsInRange.iterate({ lo, hi }) as Iterable<SlotRow>) out.slot([r.slot_start, r.tool_name, r.profile_id, r.project], r);
      return out;
    },

    /** What a day's summaries were computed from: changes whenever ingest or a delete touches the day. */
    fingerprint: (day: number) => JSON.stringify(st.dayFingerprint.get({ lo: day, hi: day + DAY_MS })),

    callsOfSession: (sessionId: string) => st.callsOfSession.all(sessionId),
    callsOfProfile: (profileId: number) => st.callsOfProfile.all(profileId),

    /** The oldest slot any rollup table holds, or `fallback`. */
    oldestSlot: (fallback: number) => Math.min(...st.oldest.map((q) => (q.get() as { t: number | null }).t ?? fallback)),
    /** Deletes every rollup row before hi; returns how many. */
    deleteBefore: (hi: number) => st.deleteBefore.reduce((n, q) => n + q.run({ hi }).changes, 0),
  };
}

export type RollupRows = ReturnType<typeof rollupRows>;
