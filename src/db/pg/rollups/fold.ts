import { sql } from 'drizzle-orm';
import { addEncoded, encodeHistogram } from '../../../lib/latency-histogram.js';
import { Deltas, type Delta } from '../../../lib/rollup-deltas.js';
import type { PgContext } from '../context.js';
import { inTransaction, type PgTx } from '../transaction.js';
import { readRollupState } from './state.js';

/** 'devfold' as a fixed advisory key: one replica at a time folds; the others skip (never wait). */
export const FOLD_LOCK_KEY = '7234318558852640877';
/** One array parameter (Drizzle would spread a bare array into a tuple of parameters). */
const arr = (xs: unknown[]) => sql.param(xs);

type Stored = { calls: number; errors: number; timeouts: number; duration_sum: number; duration_max: number; histogram: Buffer };

/**
 * Folds every appended rollup delta into tool_call_slot_rollups and tool_call_summaries, in one
 * transaction under pg_try_advisory_xact_lock: the deltas are taken with one DELETE … RETURNING,
 * so each is folded exactly once whichever replica appended it, and one committed after this
 * snapshot waits for the next fold. Returns the delta rows folded; 0 when another replica holds
 * the lock. A row a (negative) delta empties is deleted by the statement that empties it.
 */
export async function foldRollups(ctx: PgContext): Promise<number> {
  return inTransaction(ctx, async (tx) => {
    const lock = await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(${FOLD_LOCK_KEY}::int8) as ok`);
    if (!lock.rows[0]?.ok) return 0;
    const taken = await tx.execute<{ deltas: string }>(sql`delete from tool_call_rollup_deltas returning deltas::text as deltas`);
    if (taken.rows.length === 0) return 0;
    const slots = new Deltas();
    for (const r of taken.rows) slots.decode(r.deltas);
    const summaries = slots.summaries((await readRollupState(tx)).closedBefore);
    await applySlots(tx, slots);
    await applySummaries(tx, summaries);
    return taken.rows.length;
  });
}

/** The stored row plus the delta; null when nothing is left (the row goes). */
function merged(cur: Stored | undefined, d: Delta): Stored | null {
  const calls = (cur?.calls ?? 0) + d.calls;
  if (calls <= 0) return null;
  const hist = new Map<number, number>();
  if (cur) addEncoded(hist, cur.histogram);
  for (const [bucket, count] of d.hist) hist.set(bucket, (hist.get(bucket) ?? 0) + count);
  for (const [bucket, count] of hist) if (count <= 0) hist.delete(bucket);
  return {
    calls,
    errors: (cur?.errors ?? 0) + d.errors,
    timeouts: (cur?.timeouts ?? 0) + d.timeouts,
    duration_sum: (cur?.duration_sum ?? 0) + d.sum,
    // A subtraction cannot lower a max without the raw rows; it stays an upper bound (as SQLite's before settling).
    duration_max: Math.max(cur?.duration_max ?? 0, d.calls > 0 ? d.max : 0),
    histogram: encodeHistogram(hist),
  };
}

const figures = (rows: Stored[]) => ({
  calls: rows.map((r) => r.calls),
  errors: rows.map((r) => r.errors),
  timeouts: rows.map((r) => r.timeouts),
  sums: rows.map((r) => r.duration_sum),
  maxes: rows.map((r) => r.duration_max),
  hists: rows.map((r) => `\\x${r.histogram.toString('hex')}`),
});

/**
 * A rollup table's key columns and their types, in the order of the Deltas keys. The names are
 * constants of this file (never input), so they are spliced with sql.raw; values are parameters.
 */
type Table = { name: string; cols: readonly string[]; types: readonly string[] };
const SLOTS: Table = { name: 'tool_call_slot_rollups', cols: ['slot_start', 'tool_name', 'profile_id', 'project'], types: ['int8', 'text', 'int', 'text'] };
const SUMMARIES: Table = { name: 'tool_call_summaries', cols: ['grain', 'scope', 'slot_start', 'tool_name'], types: ['int', 'text', 'int8', 'text'] };

const applySlots = (tx: PgTx, deltas: Deltas) => apply(tx, SLOTS, deltas);
const applySummaries = (tx: PgTx, deltas: Deltas) => apply(tx, SUMMARIES, deltas);

/**
 * Adds deltas into a table's rows with three multi-row statements: the touched rows read (and
 * locked, since a rebuild may write them too), the emptied ones deleted, the rest upserted with
 * the sums computed here (histograms merge in JavaScript, src/lib/latency-histogram.ts).
 */
async function apply(tx: PgTx, table: Table, deltas: Deltas): Promise<void> {
  const ds = [...deltas.rows.values()];
  const keys = (idx: number[]) => sql.join(table.types.map((type, c) => sql`${arr(idx.map((x) => ds[x]!.key[c]))}::${sql.raw(type)}[]`), sql`, `);
  const u = sql.raw(table.cols.map((_, c) => `k${c}`).join(', '));
  const on = sql.raw(table.cols.map((col, c) => `r.${col} = u.k${c}`).join(' and '));
  const name = sql.raw(table.name);
  const all = ds.map((_, i) => i);
  const cur = await tx.execute<Stored & { i: number }>(sql`
    select u.i::int as i, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max, r.histogram
    from unnest(${keys(all)}) with ordinality as u(${u}, i) join ${name} r on ${on} for update of r`);
  const byIndex = new Map(cur.rows.map((r) => [r.i - 1, r]));
  const keep: number[] = [];
  const gone: number[] = [];
  const rows: Stored[] = [];
  ds.forEach((d, i) => {
    const m = merged(byIndex.get(i), d);
    if (m) {
      keep.push(i);
      rows.push(m);
    } else if (byIndex.has(i)) gone.push(i);
  });
  if (gone.length > 0) await tx.execute(sql`delete from ${name} r using unnest(${keys(gone)}) as u(${u}) where ${on}`);
  if (rows.length === 0) return;
  const f = figures(rows);
  const cols = sql.raw(table.cols.join(', '));
  await tx.execute(sql`
    insert into ${name} (${cols}, calls, errors, timeouts, duration_sum, duration_max, histogram)
    select * from unnest(${keys(keep)}, ${arr(f.calls)}::int8[], ${arr(f.errors)}::int8[], ${arr(f.timeouts)}::int8[],
      ${arr(f.sums)}::float8[], ${arr(f.maxes)}::int8[], ${arr(f.hists)}::bytea[])
    on conflict (${cols}) do update set calls = excluded.calls, errors = excluded.errors, timeouts = excluded.timeouts,
      duration_sum = excluded.duration_sum, duration_max = excluded.duration_max, histogram = excluded.histogram`);
}
