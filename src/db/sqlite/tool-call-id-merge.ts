import type { Db } from './client.js';

/**
 * One merge of id runs (tool-call-id-upkeep.ts), saved between steps: `into` (0 until the
 * merge has its run number) gets every id of `inputs` in id order, `cursor` (hex) being the
 * last id copied; then the inputs are deleted. `gc`: ids whose call no longer exists are left
 * behind. A lookup meanwhile probes the inputs and `into` alike, so it never misses an id.
 */
export type MergeState = { into: number; inputs: number[]; cursor: string | null; gc: boolean; phase: 'copy' | 'drop'; copied: number };

type Statements = ReturnType<typeof prepare>;
const cache = new WeakMap<Db, Statements>();

function prepare(db: Db) {
  const sql = db.$client;
  const copy = (gc: boolean, bounded: boolean) =>
    sql.prepare(
      'insert into tool_call_ids (run, id, seq) select @into, x.id, max(x.seq) from tool_call_ids x ' +
        'where x.run in (select value from json_each(@inputs)) and x.id > @cursor' +
        (bounded ? ' and x.id <= @bound' : '') +
        (gc ? ' and exists (select 1 from tool_calls t where t.seq = x.seq)' : '') +
        ' group by x.id order by x.id on conflict do nothing',
    );
  return {
    nextRun: sql.prepare('select coalesce(max(run), 0) + 1 from tool_call_id_runs').pluck(),
    inputs: sql.prepare('select run, level, first_seq as firstSeq, last_seq as lastSeq, ids, dead, min_id as minId, max_id as maxId from tool_call_id_runs where run in (select value from json_each(?))'),
    addRun: sql.prepare('insert into tool_call_id_runs (run, level, first_seq, last_seq, ids, dead, min_id, max_id) values (?, ?, ?, ?, 0, 0, ?, ?)'),
    bound: sql.prepare('select id from tool_call_ids where run = ? and id > ? order by id limit 1 offset ?').pluck(),
    copy: { plain: copy(false, true), plainRest: copy(false, false), gc: copy(true, true), gcRest: copy(true, false) },
    dropSome: sql.prepare('delete from tool_call_ids where run = ? and id in (select id from tool_call_ids where run = ? order by id limit ?)'),
    dropRuns: sql.prepare('delete from tool_call_id_runs where run in (select value from json_each(?))'),
    finish: sql.prepare('update tool_call_id_runs set ids = ?, level = ?, dead = ? where run = ?'),
    dropRun: sql.prepare('delete from tool_call_id_runs where run = ?'),
  };
}

type Run = { run: number; level: number; firstSeq: number; lastSeq: number; ids: number; dead: number; minId: Buffer | null; maxId: Buffer | null };

/** The id range the merged run covers: its inputs' (unknown if any input's is). */
function rangeOf(runs: Run[]): [Buffer | null, Buffer | null] {
  if (runs.some((r) => !r.minId || !r.maxId)) return [null, null];
  const mins = runs.map((r) => r.minId as Buffer);
  const maxes = runs.map((r) => r.maxId as Buffer);
  return [mins.reduce((a, b) => (b.compare(a) < 0 ? b : a)), maxes.reduce((a, b) => (b.compare(a) > 0 ? b : a))];
}

/**
 * One step of a merge, inside the caller's write transaction: its start, `slice` ids copied, or
 * `slice` ids of the inputs deleted. Returns the state to save, null once it is done.
 */
export function mergeStep(db: Db, state: MergeState, slice: number, levelOf: (ids: number) => number): MergeState | null {
  let st = cache.get(db);
  if (!st) {
    st = prepare(db);
    cache.set(db, st);
  }
  const inputs = JSON.stringify(state.inputs);
  const runs = st.inputs.all(inputs) as Run[];
  if (state.into === 0) {
    // Planned from a list of runs another process has changed since: nothing to do.
    if (runs.length < state.inputs.length) return null;
    const into = st.nextRun.get() as number;
    st.addRun.run(into, Math.max(...runs.map((r) => r.level)), Math.min(...runs.map((r) => r.firstSeq)), Math.max(...runs.map((r) => r.lastSeq)), ...rangeOf(runs));
    return { ...state, into };
  }
  if (state.phase === 'copy') {
    const cursor = Buffer.from(state.cursor ?? '', 'hex');
    const biggest = runs.reduce((a, b) => (b.ids > a.ids ? b : a), runs[0] as Run);
    const bound = st.bound.get(biggest.run, cursor, slice - 1) as Buffer | undefined;
    const which = state.gc ? (bound ? st.copy.gc : st.copy.gcRest) : bound ? st.copy.plain : st.copy.plainRest;
    const copied = state.copied + which.run({ into: state.into, inputs, cursor, bound }).changes;
    return bound ? { ...state, cursor: bound.toString('hex'), copied } : { ...state, cursor: null, phase: 'drop', copied };
  }
  let left = slice;
  for (const r of runs) left -= st.dropSome.run(r.run, r.run, left).changes;
  if (left <= 0) return state;
  // Every input is empty: their rows go, and the merged run tells its size.
  st.dropRuns.run(inputs);
  if (state.copied === 0) st.dropRun.run(state.into);
  else st.finish.run(state.copied, levelOf(state.copied), state.gc ? 0 : runs.reduce((n, r) => n + r.dead, 0), state.into);
  return null;
}
