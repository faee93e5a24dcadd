import assert from 'node:assert/strict';
import type { Sqlite } from '../../../src/db/sqlite/client.js';
import type { SqliteStore } from '../../../src/db/sqlite/store.js';
import { idBytes } from '../../../src/db/sqlite/tool-call-ids.js';
import type { AppendResult, Draft, ToolCallRow } from '../../../src/db/store.js';

/** Shared by the tool-call id tests: sessions, calls, and what the id index's tables hold. */

/**
 * The runs' size classes as the upkeep documents them (tool-call-id-upkeep.ts): FANOUT runs of one
 * level merge into one of the next; level n holds runIds × FANOUT^n ids or more (at most 6).
 * Restated here, so the tests check the rule rather than repeat the code. The tests open their
 * stores with this fanout (idRunFanout) and small runs, so a few hundred ids take every level;
 * the service's own (tool-call-id-cut.ts) is larger.
 */
export const FANOUT = 4;
export const levelOf = (ids: number, runIds: number): number => (ids < runIds * FANOUT ? 0 : Math.min(6, Math.floor(Math.log(ids / runIds) / Math.log(FANOUT))));

/** Random UUID v4s drawn from a seeded PRNG: the same ids on every run. */
export function uuidV4From(rand: () => number): () => string {
  return () => {
    const bytes = Array.from({ length: 16 }, () => Math.floor(rand() * 256));
    bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

export async function addSession(store: SqliteStore, id: string): Promise<string> {
  const created = await store.sessions.create({ id, profile: null, type: 'agent', project: null, startedAt: 0, at: 0 });
  assert.ok(created !== 'UNKNOWN_PROFILE' && created.created, `session ${id} created`);
  return id;
}

/** Calls' times by default: one later each, so staged calls move in the order they were posted (moves go by time). */
let clock = 1_000_000;
const tick = () => (clock += 1);

export const toolCall = (sessionId: string, id: string | undefined, timestamp = tick()): Draft<ToolCallRow> => ({ id, sessionId, toolName: 'Read', durationMs: 3, status: 'success', errorType: null, timestamp });

/** Appends calls with these ids to one session (all or nothing). */
export function post(store: SqliteStore, sessionId: string, ids: readonly string[], timestamp?: number): Promise<AppendResult> {
  return store.toolCalls.append(
    ids.map((id) => toolCall(sessionId, id, timestamp ?? tick())),
    { allOrNothing: true },
  );
}

export const outcome = (accepted: number, duplicates: number): AppendResult => ({ accepted, duplicates, unknownSessions: [] });

export type RunRow = { run: number; level: number; firstSeq: number; lastSeq: number; ids: number; dead: number; minId: Buffer | null; maxId: Buffer | null };

export const runsOf = (sql: Sqlite): RunRow[] =>
  sql.prepare('select run, level, first_seq as firstSeq, last_seq as lastSeq, ids, dead, min_id as minId, max_id as maxId from tool_call_id_runs order by first_seq, run').all() as RunRow[];

/** The saved state of a merge under way (null: none). */
export function mergeState(sql: Sqlite): unknown {
  const json = sql.prepare("select value from settings where key = 'toolCallIds.merge'").pluck().get() as string | undefined;
  return json === undefined ? null : (JSON.parse(json) as unknown);
}

export const idHex = (id: string): string => id.replaceAll('-', '');

/**
 * The index's invariants at rest (no merge under way): every stored call up to the last run is
 * in a run whose seq range holds it, with its own seq; each run's row count, level bound and
 * id range are what its metadata says; no level holds FANOUT runs (they would have been merged).
 */
export function assertIndexed(sql: Sqlite, runIds: number): void {
  assert.equal(mergeState(sql), null, 'no merge under way');
  const runs = runsOf(sql);
  const cutSeq = Math.max(0, ...runs.map((r) => r.lastSeq));
  const probe = sql.prepare('select seq from tool_call_ids where run = ? and id = ?').pluck();
  const lost = (sql.prepare('select seq, id from tool_calls where seq <= ?').all(cutSeq) as Array<{ seq: number; id: string }>).filter(
    (c) => !runs.some((r) => c.seq >= r.firstSeq && c.seq <= r.lastSeq && probe.get(r.run, idBytes(c.id)) === c.seq),
  );
  assert.deepEqual(lost, [], 'every stored call below the last run is in a run');
  const perLevel = new Map<number, number>();
  for (const r of runs) {
    const rows = sql.prepare('select count(*) as n, min(id) as lo, max(id) as hi from tool_call_ids where run = ?').get(r.run) as { n: number; lo: Buffer | null; hi: Buffer | null };
    assert.equal(rows.n, r.ids, `run ${r.run}: ids`);
    if (r.minId && r.maxId && rows.lo && rows.hi) assert.ok(rows.lo.compare(r.minId) >= 0 && rows.hi.compare(r.maxId) <= 0, `run ${r.run}: its ids lie in its range`);
    assert.equal(r.level, levelOf(r.ids, runIds), `run ${r.run}: level of ${r.ids} ids`);
    perLevel.set(r.level, (perLevel.get(r.level) ?? 0) + 1);
  }
  for (const [level, n] of perLevel) assert.ok(n < FANOUT, `level ${level} holds ${n} runs`);
  const orphans = sql.prepare('select count(*) from tool_call_ids where run not in (select run from tool_call_id_runs)').pluck().get();
  assert.equal(orphans, 0, 'no rows of a dropped run');
}
