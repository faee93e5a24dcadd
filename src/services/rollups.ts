import { performance } from 'node:perf_hooks';
import type { Statement } from 'better-sqlite3';
import { writeTransaction, type Db } from '../db/sqlite/client.js';
import { settings } from '../db/sqlite/schema.js';
import { addEncoded, bucketOf, encodeHistogram, mergeEncoded } from '../lib/latency-histogram.js';
import { checkAborted, TARGET_SLICE_MS, yieldToEventLoop, type SliceContext } from './retention-slices.js';
import type { ToolCallInbox } from './tool-call-inbox.js';
import type { WriteQueue } from './write-queue.js';
import {
  CALLS_OF,
  DAY_MS,
  DELETE_EMPTY,
  HOUR_MS,
  FILL_SLOTS_FROM_RAW,
  GRAINS,
  isFoldedAtClose,
  offsetHourOf,
  SLOT_MAX,
  SLOT_MS,
  SLOT_ROW,
  SLOTS_IN_RANGE,
  SUMMARY_LAYOUT,
  SUMMARY_MAX,
  SUMMARY_ROW,
} from './rollups-sql.js';

export { SLOT_MS } from './rollups-sql.js';

/**
 * Tool-call rollups (issue 9), schema in src/db/schema.ts: slot rollups (15-minute UTC slot ×
 * tool × profile × project) and summaries (grain × scope × tool) derived from them. Ingest adds
 * what it stores in its own transaction (record); deleting sessions subtracts theirs (forget),
 * so rollups always equal the stored raw rows — until raw retention deletes rows, which leaves
 * rollups alone (trends outlive raw rows; only rollupDays deletes them). A backfill builds them
 * for rows stored before (rebuild), in slot-range slices that each hold the thread about
 * TARGET_SLICE_MS. Until a backfill has completed once, reports read raw rows.
 */

export const slotOf = (t: number): number => Math.floor(t / SLOT_MS) * SLOT_MS;

const STATE_KEY = 'rollups.toolCalls';
/**
 * built: every stored call is rolled up (reports may read rollups). next/end: the backfill's
 * cursor while not built; the summary upgrade's next day while built with an older layout.
 * layout: the summary layout the stored summaries have (SUMMARY_LAYOUT once upgraded).
 * closedBefore: UTC days before it are closed (all their summaries kept live); from it on only
 * summaries of an hour or less are, the rest is folded when the day closes (closeDays). null:
 * every summary of every day is kept live (before the first closeDays). It only moves forward
 * with a fold; moving back is harmless (an open day's longer summaries are ignored, then
 * refolded when it closes), so writers spread the state as they read it in their transaction.
 */
export type RollupState = { built: boolean; next: number | null; end: number | null; layout: number; closedBefore: number | null };

/** How long after its end a UTC day closes (calls for it that arrive later take the closed-day path, correct but dearer). */
export const CLOSE_GRACE_MS = 10 * 60_000;

/**
 * Ingest appends its deltas (one row per group commit); they are folded into the rollup rows
 * when this much time has passed since the last fold or this many rows wait, whichever comes
 * first, and before anything reads or rewrites rollup rows (settle).
 */
export const FOLD_EVERY_MS = 1000;
export const FOLD_EVERY_ROWS = 1000;

/** What one stored tool call contributes. */
export type RollupInput = { toolName: string; durationMs: number; status: string; timestamp: number; profileId: number | null; project: string | null };

type Key = Array<number | string>;
/** What some calls add to (or take from) one rollup row. */
type Delta = { key: Key; calls: number; errors: number; timeouts: number; sum: number; max: number; hist: Map<number, number> };
type SlotRow = { slot_start: number; tool_name: string; profile_id: number; project: string; calls: number; errors: number; timeouts: number; duration_sum: number; duration_max: number; histogram: Uint8Array };

type RowStatements = { get: Statement; insert: Statement; update: Statement };
/** One slot-level delta as tool_call_rollup_deltas stores it. */
type EncodedDelta = [number, string, number, string, number, number, number, number, number, number[]];
type StoredRow = { calls: number; errors: number; timeouts: number; duration_sum: number; duration_max: number; histogram: Uint8Array };

const rowStatements = (s: Db['$client'], sql: Record<keyof RowStatements, string>): RowStatements => ({
  get: s.prepare(sql.get),
  insert: s.prepare(sql.insert),
  update: s.prepare(sql.update),
});

function prepare(db: Db) {
  const s = db.$client;
  // Bucket numbers in SQL too, so a rebuild aggregates raw rows without leaving SQLite.
  s.function('latency_bucket', { deterministic: true }, (d: unknown) => bucketOf(Number(d)));
  return {
    slotRow: rowStatements(s, SLOT_ROW),
    summaryRow: rowStatements(s, SUMMARY_ROW),
    clearSlots: s.prepare('delete from tool_call_slot_rollups where slot_start >= @lo and slot_start < @hi'),
    fillSlots: s.prepare(FILL_SLOTS_FROM_RAW),
    slotsInRange: s.prepare(SLOTS_IN_RANGE),
    dayFingerprint: s.prepare('select count(*) as n, total(calls) as calls, total(duration_sum) as sum from tool_call_slot_rollups where slot_start >= @lo and slot_start < @hi'),
    clearSummaries: s.prepare('delete from tool_call_summaries where grain = @grain and slot_start >= @lo and slot_start < @hi'),
    deleteEmpty: DELETE_EMPTY.map((sql) => s.prepare(sql)),
    rawRange: s.prepare('select min(timestamp) as lo, max(timestamp) as hi from tool_calls'),
    // Read per group commit and per report: prepared once (building the query each time cost ~30 µs).
    state: s.prepare(`select value from settings where key = '${STATE_KEY}'`).pluck(),
    slotRange: s.prepare('select min(slot_start) as lo, max(slot_start) as hi from tool_call_slot_rollups'),
    rawCalls: s.prepare('select count(*) as n from tool_calls where timestamp >= @lo and timestamp < @hi'),
    slotCalls: s.prepare('select coalesce(sum(calls), 0) as n from tool_call_slot_rollups where slot_start = @lo'),
    callsOfSession: s.prepare(`${CALLS_OF} where t.session_id = ?`),
    callsOfProfile: s.prepare(`${CALLS_OF} where s.profile_id = ?`),
    slotMax: s.prepare(SLOT_MAX),
    addDeltas: s.prepare('insert into tool_call_rollup_deltas (deltas) values (?)'),
    pendingDeltas: s.prepare('select id, deltas from tool_call_rollup_deltas order by id'),
    anyPending: s.prepare('select id from tool_call_rollup_deltas limit 1').pluck(),
    clearDeltas: s.prepare('delete from tool_call_rollup_deltas where id <= ?'),
    summaryMax: s.prepare(SUMMARY_MAX),
    // Per grain for the summaries: their primary key starts with (grain, slot_start).
    oldest: [s.prepare('select min(slot_start) as t from tool_call_slot_rollups'), ...GRAINS.map((g) => s.prepare(`select min(slot_start) as t from tool_call_summaries where grain = ${g}`))],
    deleteBefore: [s.prepare('delete from tool_call_slot_rollups where slot_start < @hi'), ...GRAINS.map((g) => s.prepare(`delete from tool_call_summaries where grain = ${g} and slot_start < @hi`))],
  };
}

/** The state as stored (JSON text of the settings row), defaults filled in. */
function parseState(json: string | undefined): RollupState {
  const v = (json === undefined ? {} : JSON.parse(json)) as Partial<RollupState>;
  return {
    built: v.built === true,
    next: typeof v.next === 'number' ? v.next : null,
    end: typeof v.end === 'number' ? v.end : null,
    layout: typeof v.layout === 'number' ? v.layout : 1,
    closedBefore: typeof v.closedBefore === 'number' ? v.closedBefore : null,
  };
}

function writeState(tx: Db, state: RollupState, now: number): void {
  tx.insert(settings).values({ key: STATE_KEY, value: state, updatedAt: now }).onConflictDoUpdate({ target: settings.key, set: { value: state, updatedAt: now } }).run();
}

/** Sums what some calls (or some slot rollups) contribute to each rollup row, by the row's primary key. */
class Deltas {
  readonly rows = new Map<string, Delta>();

  private at(key: Key, id = key.join('\u0000')): Delta {
    let d = this.rows.get(id);
    if (!d) {
      d = { key, calls: 0, errors: 0, timeouts: 0, sum: 0, max: 0, hist: new Map() };
      this.rows.set(id, d);
    }
    return d;
  }

  /** One raw call, into its slot row. */
  call(r: RollupInput, bucket: number): void {
    const slot = slotOf(r.timestamp);
    const profile = r.profileId ?? 0;
    const project = r.project ?? '';
    let d = this.rows.get(`${slot}\u0000${r.toolName}\u0000${profile}\u0000${project}`);
    d ??= this.at([slot, r.toolName, profile, project]);
    d.calls += 1;
    if (r.status === 'error') d.errors += 1;
    else if (r.status === 'timeout') d.timeouts += 1;
    d.sum += r.durationMs;
    d.max = Math.max(d.max, r.durationMs);
    d.hist.set(bucket, (d.hist.get(bucket) ?? 0) + 1);
  }

  /** Another delta (a slot row's, feeding the summaries). */
  delta(key: Key, x: Delta): void {
    const d = this.add(key, x.calls, x.errors, x.timeouts, x.sum, x.max);
    for (const [bucket, count] of x.hist) d.hist.set(bucket, (d.hist.get(bucket) ?? 0) + count);
  }

  /** Every delta of another set. */
  absorb(other: Deltas): void {
    for (const d of other.rows.values()) this.delta(d.key, d);
  }

  /**
   * These deltas as JSON text for tool_call_rollup_deltas: per row its key, counters and the
   * histogram's [bucket, count] pairs flattened.
   */
  encode(): string {
    const out: unknown[] = [];
    for (const d of this.rows.values()) {
      const pairs: number[] = [];
      for (const [bucket, count] of d.hist) pairs.push(bucket, count);
      out.push([...d.key, d.calls, d.errors, d.timeouts, d.sum, d.max, pairs]);
    }
    return JSON.stringify(out);
  }

  /** Adds deltas encode() wrote (slot keys: slot, tool, profile, project). */
  decode(json: string): void {
    for (const [slot, tool, profile, project, calls, errors, timeouts, sum, max, pairs] of JSON.parse(json) as EncodedDelta[]) {
      const d = this.add([slot, tool, profile, project], calls, errors, timeouts, sum, max);
      for (let i = 0; i < pairs.length; i += 2) d.hist.set(pairs[i] as number, (d.hist.get(pairs[i] as number) ?? 0) + (pairs[i + 1] as number));
    }
  }

  /** A stored slot rollup row. */
  slot(key: Key, r: SlotRow): void {
    addEncoded(this.add(key, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max).hist, r.histogram);
  }

  /**
   * The summary deltas of these slot-level deltas: the profile and project days from each, the
   * '' scope's grains from their sums per slot and tool (a slot's rows differ only by profile
   * and project), so each histogram is merged a few times rather than once per grain. Days from
   * `closedBefore` on (null: none) get only the summaries kept live on open days.
   */
  summaries(closedBefore: number | null): Deltas {
    const out = new Deltas();
    const byTool = new Deltas();
    const closed = (slot: number) => closedBefore === null || slot < closedBefore;
    for (const d of this.rows.values()) {
      const [slot, tool, profile, project] = d.key as [number, string, number, string];
      byTool.delta([slot, tool], d);
      if (!closed(slot)) continue;
      const day = Math.floor(slot / DAY_MS) * DAY_MS;
      if (profile !== 0) out.delta([DAY_MS, `profile:${profile}`, day, tool], d);
      if (project !== '') out.delta([DAY_MS, `project:${project}`, day, tool], d);
    }
    for (const d of byTool.rows.values()) {
      const [slot, tool] = d.key as [number, string];
      const all = closed(slot);
      for (const key of toolSummaryKeys(slot, tool)) if (all || !isFoldedAtClose(key[0] as number)) out.delta(key, d);
    }
    return out;
  }

  private add(key: Key, calls: number, errors: number, timeouts: number, sum: number, max: number): Delta {
    const d = this.at(key);
    d.calls += calls;
    d.errors += errors;
    d.timeouts += timeouts;
    d.sum += sum;
    d.max = Math.max(d.max, max);
    return d;
  }
}

/** The '' scope's summary rows a slot of a tool feeds: every grain, and its half-past hour. (Profile and project days: Deltas.summaries.) */
function toolSummaryKeys(t: number, tool: string): Key[] {
  const keys: Key[] = GRAINS.map((g) => [g, '', Math.floor(t / g) * g, tool]);
  const offsetHour = offsetHourOf(t);
  if (offsetHour !== null) keys.push([HOUR_MS, '', offsetHour, tool]);
  return keys;
}

export type RebuildOptions = { signal?: AbortSignal; resume?: boolean; onSlice?: (elapsedMs: number, slots: number) => void };
export type RebuildResult = { slots: number; from: number | null; to: number | null; seconds: number };

/** inbox: staged tool calls, moved into tool_calls before anything here reads raw rows. */
export type RollupOptions = { db: Db; now: () => number; writes?: WriteQueue; inbox?: Pick<ToolCallInbox, 'drain'>; enabled?: boolean; foldEveryMs?: number };

export function createRollupService({ db, now, writes, inbox, enabled = true, foldEveryMs = FOLD_EVERY_MS }: RollupOptions) {
  const st = prepare(db);
  const readState = () => parseState(st.state.get() as string | undefined);
  /** Writes the state as read now with `patch` applied (inside the caller's write transaction). */
  const patchState = (tx: Db, patch: Partial<RollupState>) => writeState(tx, { ...readState(), ...patch }, now());
  // Switched off (DEVFLOW_ROLLUPS=false), rollups fall behind: reports read raw rows from now
  // on, and the next start with rollups on rebuilds them from scratch.
  if (!enabled && readState().built) writeTransaction(db, (tx) => patchState(tx, { built: false, next: null, end: null, layout: SUMMARY_LAYOUT }));
  // Calls stored by the jobs of one group commit: their slot deltas are appended as one row at
  // its end, and folded into the rollup rows about once a second (foldEveryMs).
  let deferred: RollupInput[] = [];
  let appended = 0;
  let foldedAt = performance.now();
  writes?.onGroup({
    // A group that failed before its end left its calls here: they were rolled back.
    begin: () => void (deferred = []),
    beforeCommit: () => {
      const rows = deferred;
      deferred = [];
      if (rows.length === 0) return;
      st.addDeltas.run(slotDeltas(rows).encode());
      appended += 1;
      if (appended >= FOLD_EVERY_ROWS || performance.now() - foldedAt >= foldEveryMs) settle();
    },
  });

  /**
   * Folds the appended deltas into the rollup rows, inside the caller's write transaction or
   * in one of its own; returns how many delta rows it folded. Everything that reads or rewrites
   * rollup rows calls it first (in the same transaction when it writes), so they always see
   * every stored call.
   */
  function settle(): number {
    if (!db.$client.inTransaction && st.anyPending.get() === undefined) return 0;
    const fold = () => {
      const slots = new Deltas();
      let last = 0;
      let rows = 0;
      for (const r of st.pendingDeltas.iterate() as Iterable<{ id: number; deltas: string }>) {
        slots.decode(r.deltas);
        last = r.id;
        rows += 1;
      }
      if (rows > 0) {
        applySlots(slots, 1);
        st.clearDeltas.run(last);
      }
      appended = 0;
      foldedAt = performance.now();
      return rows;
    };
    return db.$client.inTransaction ? fold() : writeTransaction(db, fold);
  }

  /**
   * Adds (sign 1) or subtracts (sign −1) deltas: a subtraction only touches rows that exist and
   * leaves their max alone (the caller recomputes it or knows it cannot have shrunk).
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

  function slotDeltas(rows: readonly RollupInput[]): Deltas {
    const slots = new Deltas();
    for (const r of rows) slots.call(r, bucketOf(r.durationMs));
    return slots;
  }

  function applySlots(slots: Deltas, sign: 1 | -1): { slots: Deltas; summaries: Deltas } {
    // Every summary key is a function of the slot key (a slot lies in one hour and one day).
    const summaries = slots.summaries(readState().closedBefore);
    write(slots, st.slotRow, sign);
    write(summaries, st.summaryRow, sign);
    return { slots, summaries };
  }

  /**
   * Adds stored tool calls to their rollups, inside the caller's transaction: at the end of the
   * group commit when called from one of its jobs (as the last step of a job that succeeded),
   * at once otherwise.
   */
  function record(rows: readonly RollupInput[]): void {
    if (!enabled) return;
    if (writes?.inGroup()) for (const r of rows) deferred.push(r);
    else applySlots(slotDeltas(rows), 1);
  }

  /**
   * Takes deleted tool calls out again (inside the transaction that deleted them, after the
   * delete): counts, sums and histograms subtract exactly; the max of every row touched is
   * recomputed from what is left (raw rows for slots, slot rollups for summaries).
   */
  function forget(rows: readonly RollupInput[]): void {
    if (!enabled || rows.length === 0) return;
    // A subtraction only touches rows that exist: the calls' own deltas may still wait.
    settle();
    const { slots, summaries } = applySlots(slotDeltas(rows), -1);
    for (const { key } of slots.rows.values()) st.slotMax.run({ slot: key[0], tool: key[1], profile: key[2], project: key[3] });
    for (const { key } of summaries.rows.values()) st.summaryMax.run({ grain: key[0], scope: key[1], slot: key[2], tool: key[3] });
    for (const s of st.deleteEmpty) s.run();
  }

  /** The tool calls a session or a profile's sessions hold, for forget() after they are deleted. */
  const callsOf = (of: { sessionId: string } | { profileId: number }): RollupInput[] => {
    inbox?.drain();
    return ('sessionId' in of ? st.callsOfSession.all(of.sessionId) : st.callsOfProfile.all(of.profileId)) as RollupInput[];
  };

  /** Recomputes the slot rollups of [lo, hi) from the raw rows (the caller's transaction). */
  function rebuildSlots(lo: number, hi: number): void {
    st.clearSlots.run({ lo, hi });
    st.fillSlots.run({ lo, hi });
  }

  /** What a day's summaries were computed from: changes whenever ingest or a delete touches the day. */
  const fingerprint = (day: number) => JSON.stringify(st.dayFingerprint.get({ lo: day, hi: day + DAY_MS }));

  /** The slot rollups of [lo, hi), as deltas. */
  function readSlots(lo: number, hi: number): Deltas {
    const out = new Deltas();
    for (const r of st.slotsInRange.iterate({ lo, hi }) as Iterable<SlotRow>) out.slot([r.slot_start, r.tool_name, r.profile_id, r.project], r);
    return out;
  }

  /**
   * Recomputes every summary of one UTC day from its slot rollups: read in hour-long chunks,
   * yielding between them, then written in one short transaction — after checking that nothing
   * wrote to the day meanwhile (else it is folded again inside the transaction). `close`: the
   * day closes in the same transaction (its longer summaries are written, closedBefore moves on).
   */
  async function rebuildDaySummaries(day: number, signal?: AbortSignal, close = false): Promise<void> {
    const closedBefore = () => (close ? day + DAY_MS : readState().closedBefore);
    let deltas = new Deltas();
    settle();
    const before = fingerprint(day);
    const folding = closedBefore();
    for (let lo = day; lo < day + DAY_MS; lo += HOUR_MS) {
      checkAborted(signal);
      deltas.absorb(readSlots(lo, lo + HOUR_MS).summaries(folding));
      await yieldToEventLoop();
    }
    writeTransaction(db, (tx) => {
      settle();
      if (fingerprint(day) !== before || closedBefore() !== folding) deltas = readSlots(day, day + DAY_MS).summaries(closedBefore());
      for (const grain of GRAINS) st.clearSummaries.run({ grain, lo: day, hi: day + DAY_MS });
      write(deltas, st.summaryRow, 1);
      if (close) patchState(tx, { closedBefore: day + DAY_MS });
    });
  }

  /**
   * Closes the UTC days that ended CLOSE_GRACE_MS ago or more: each one's longer summaries
   * folded from its slot rollups (a day at a time, yielding as rebuilds do). The first call only
   * records where closing starts (every summary was kept live until then). Only for built rollups
   * of the current layout.
   */
  async function closeDays(signal?: AbortSignal): Promise<{ days: number }> {
    const target = Math.floor((now() - CLOSE_GRACE_MS) / DAY_MS) * DAY_MS;
    let state = readState();
    if (!state.built || state.layout < SUMMARY_LAYOUT) return { days: 0 };
    if (state.closedBefore === null) {
      writeTransaction(db, (tx) => patchState(tx, { closedBefore: target }));
      return { days: 0 };
    }
    let days = 0;
    while (state.closedBefore !== null && state.closedBefore < target) {
      await rebuildDaySummaries(state.closedBefore, signal, true);
      days += 1;
      state = readState();
    }
    return { days };
  }

  /** Where a rebuild starts: the oldest raw slot, unless retention emptied part of it and its rollups hold more. */
  function startSlot(): { start: number; end: number } | null {
    const { lo, hi } = st.rawRange.get() as { lo: number | null; hi: number | null };
    if (lo === null || hi === null) return null;
    const first = slotOf(lo);
    const raw = (st.rawCalls.get({ lo: first, hi: first + SLOT_MS }) as { n: number }).n;
    const rolled = (st.slotCalls.get({ lo: first }) as { n: number }).n;
    return { start: rolled > raw ? first + SLOT_MS : first, end: slotOf(hi) + SLOT_MS };
  }

  /**
   * Builds (or, resuming, finishes) the rollups of every stored raw tool call, one UTC day at a
   * time: its slot rollups from raw rows in slot-range slices sized to TARGET_SLICE_MS, then its
   * summaries from those, yielding between every step; the cursor is saved with each slice, so
   * an interrupted backfill resumes where it stopped. Ingest keeps running meanwhile: it keeps
   * what is done up to date, and what is not done yet is recomputed later.
   */
  async function rebuild(opts: RebuildOptions = {}): Promise<RebuildResult> {
    const t0 = performance.now();
    inbox?.drain();
    settle();
    const state = readState();
    let cursor: number;
    let end: number;
    if (opts.resume && state.next !== null && state.end !== null) {
      cursor = state.next;
      end = state.end;
      // It may have stopped between a day's last slot and that day's summaries.
      await rebuildDaySummaries(Math.floor((cursor - 1) / DAY_MS) * DAY_MS, opts.signal);
    } else {
      const range = startSlot();
      if (!range) {
        writeTransaction(db, (tx) => patchState(tx, { built: true, next: null, end: null, layout: SUMMARY_LAYOUT }));
        return { slots: 0, from: null, to: null, seconds: (performance.now() - t0) / 1000 };
      }
      cursor = range.start;
      end = range.end;
      writeTransaction(db, (tx) => patchState(tx, { next: cursor, end }));
    }
    const from = cursor;
    let span = 4;
    let slots = 0;
    while (cursor < end) {
      // One UTC day at a time: its slots in slices, then its summaries from them.
      const dayEnd = Math.min(end, Math.floor(cursor / DAY_MS) * DAY_MS + DAY_MS);
      while (cursor < dayEnd) {
        checkAborted(opts.signal);
        const lo = cursor;
        const hi = Math.min(dayEnd, cursor + span * SLOT_MS);
        const started = performance.now();
        writeTransaction(db, (tx) => {
          // Calls and deltas of ingest meanwhile are moved and folded first, so the refill from raw rows replaces them.
          inbox?.drain();
          settle();
          rebuildSlots(lo, hi);
          patchState(tx, { next: hi, end });
        });
        const ms = performance.now() - started;
        const n = (hi - lo) / SLOT_MS;
        opts.onSlice?.(ms, n);
        slots += n;
        cursor = hi;
        span = Math.max(1, Math.min(span * 2, Math.floor((n * TARGET_SLICE_MS) / Math.max(ms, 0.05))));
        await yieldToEventLoop();
      }
      await rebuildDaySummaries(Math.floor((dayEnd - 1) / DAY_MS) * DAY_MS, opts.signal);
    }
    // Days before the oldest raw row's (rollups whose raw rows retention deleted) keep the layout they had.
    const oldest = (st.slotRange.get() as { lo: number | null }).lo;
    const rawLo = (st.rawRange.get() as { lo: number | null }).lo;
    const layout = oldest !== null && rawLo !== null && oldest < Math.floor(rawLo / DAY_MS) * DAY_MS ? state.layout : SUMMARY_LAYOUT;
    writeTransaction(db, (tx) => patchState(tx, { built: true, next: null, end: null, layout }));
    return { slots, from, to: end, seconds: (performance.now() - t0) / 1000 };
  }

  /**
   * Brings built rollups to the current summary layout: every UTC day's summaries recomputed
   * from its slot rollups (a day at a time, as rebuild does; the next day saved with each, so
   * a restart resumes). Reports keep reading the older layout until it completes.
   */
  async function upgradeSummaries(signal?: AbortSignal): Promise<{ days: number; seconds: number }> {
    const t0 = performance.now();
    const state = readState();
    const { lo, hi } = st.slotRange.get() as { lo: number | null; hi: number | null };
    let days = 0;
    if (lo !== null && hi !== null) {
      // next is a day here, unless an interrupted rebuild left its slot cursor: start of that day.
      for (let day = Math.floor((state.next ?? lo) / DAY_MS) * DAY_MS; day <= hi; day += DAY_MS) {
        await rebuildDaySummaries(day, signal);
        writeTransaction(db, (tx) => patchState(tx, { next: day + DAY_MS }));
        days += 1;
      }
    }
    writeTransaction(db, (tx) => patchState(tx, { built: true, next: null, end: null, layout: SUMMARY_LAYOUT }));
    return { days, seconds: (performance.now() - t0) / 1000 };
  }

  /**
   * One retention slice, inside the caller's write transaction: deletes the rollups of at most
   * `days` whole UTC days that ended by `cutoff` (so no summary is left half deleted); returns
   * the rows deleted.
   */
  function deleteExpiredSlice(cutoff: number, days: number): { rows: number; more: boolean } {
    const limit = Math.floor(cutoff / DAY_MS) * DAY_MS;
    settle();
    const oldest = Math.min(...st.oldest.map((s) => (s.get() as { t: number | null }).t ?? limit));
    if (oldest >= limit) return { rows: 0, more: false };
    const hi = Math.min(limit, Math.floor(oldest / DAY_MS) * DAY_MS + days * DAY_MS);
    const rows = st.deleteBefore.reduce((n, s) => n + s.run({ hi }).changes, 0);
    return { rows, more: hi < limit };
  }

  return {
    record,
    settle,
    forget,
    callsOf,
    rebuild,
    upgradeSummaries,
    closeDays,
    deleteExpiredSlice,
    state: readState,
    /** Reports read rollups only once a backfill has completed (else the older slots would be missing). */
    isBuilt: () => readState().built,
    /** Built, with summaries in an older layout: upgradeSummaries() has work to do. */
    needsUpgrade: () => {
      const state = readState();
      return state.built && state.layout < SUMMARY_LAYOUT;
    },
  };
}

export type RollupService = ReturnType<typeof createRollupService>;

/**
 * Rollup retention (policy rollupDays), separate from raw-row retention: whole UTC days that
 * ended before `cutoff` go, in day-range slices sized to TARGET_SLICE_MS, each in its own write
 * transaction with the run's lease upkeep. Returns the rollup rows deleted.
 */
export async function deleteExpiredRollups(ctx: SliceContext, rollups: RollupService, cutoff: number): Promise<number> {
  let days = 1;
  let total = 0;
  for (;;) {
    checkAborted(ctx.signal);
    const started = performance.now();
    const { rows, more } = writeTransaction(ctx.db, (tx) => {
      ctx.keepLease(tx);
      return rollups.deleteExpiredSlice(cutoff, days);
    });
    const ms = performance.now() - started;
    ctx.onSlice?.(ms, rows);
    total += rows;
    if (!more) return total;
    days = Math.max(1, Math.min(days * 2, Math.floor((days * TARGET_SLICE_MS) / Math.max(ms, 0.05))));
    await yieldToEventLoop();
  }
}
