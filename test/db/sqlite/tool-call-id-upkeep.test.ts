import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { BloomFilter, hashUuid } from '../../../src/db/sqlite/bloom-filter.js';
import { closeDatabase, openDatabase, writeTransaction } from '../../../src/db/sqlite/client.js';
import { runMigrations } from '../../../src/db/sqlite/migrate.js';
import { mergeStep, type MergeState } from '../../../src/db/sqlite/tool-call-id-merge.js';
import { toolCallIdUpkeep } from '../../../src/db/sqlite/tool-call-id-upkeep.js';
import { toolCallIdIndex } from '../../../src/db/sqlite/tool-call-ids.js';
import type { SqliteStore } from '../../../src/db/sqlite/store.js';
import { openTestStore, tempDir } from '../../helper.js';
import { mulberry32 } from '../../support/prng.js';
import { addSession, assertIndexed, FANOUT, idHex, levelOf, mergeState, outcome, post, runsOf, uuidV4From } from './tool-call-id-fixture.js';

/**
 * The id index's upkeep over restarts and failures (src/db/sqlite/tool-call-id-upkeep.ts,
 * tool-call-id-merge.ts): what a start reads back (runs, recent ids, the saved Bloom filter), a
 * merge cut short and carried on, the filter rebuilt, runs of deleted calls rewritten. No id that
 * is stored is ever answered as new.
 */

const RUN = 8;
const idsIn = (sql: Database.Database) => sql.prepare('select count(*) from tool_call_ids').pluck().get() as number;

/** Posts ids in chunks; every one must come back a duplicate. */
async function assertAllDuplicates(store: SqliteStore, session: string, ids: readonly string[], what: string): Promise<void> {
  for (let i = 0; i < ids.length; i += 20_000) {
    const chunk = ids.slice(i, i + 20_000);
    assert.deepEqual(await post(store, session, chunk), outcome(0, chunk.length), what);
  }
}

test('a restart without a saved filter reads the runs and the recent ids back: stored ids stay duplicates, deleted ones do not', async (t) => {
  const path = join(tempDir(t), 'restart.db');
  const uuid = uuidV4From(mulberry32(21));
  const kept = Array.from({ length: 300 }, () => uuid());
  const gone = Array.from({ length: 40 }, () => uuid());
  const recent = Array.from({ length: 5 }, () => uuid());
  let session = '';
  {
    const store = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: RUN, moveEveryMs: 60_000 });
    session = await addSession(store, uuid());
    const other = await addSession(store, uuid());
    for (let i = 0; i < 300; i += 30) {
      await post(store, session, kept.slice(i, i + 30));
      await post(store, other, gone.slice((i / 30) * 4, (i / 30) * 4 + 4));
    }
    store.sqlite.settle();
    assert.equal(await store.sessions.remove(other), true);
    // Staged at close: moved by the close, in no run.
    assert.deepEqual(await post(store, session, recent), outcome(5, 0));
    await store.close();
  }
  const store = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: RUN, moveEveryMs: 60_000 });
  const sql = store.sqlite.db.$client;
  assert.equal(sql.prepare('select count(*) from tool_call_id_filter').pluck().get(), 0, 'too few ids to save a filter for');
  assert.ok(runsOf(sql).length > 1);
  await assertAllDuplicates(store, session, [...kept, ...recent], 'after a restart');
  assert.deepEqual(await post(store, session, gone), outcome(40, 0), 'ids of deleted calls');
  assert.deepEqual(await post(store, session, [uuid(), uuid()]), outcome(2, 0));
  store.sqlite.settle();
  assertIndexed(sql, RUN);
  await assertAllDuplicates(store, session, [...kept, ...recent, ...gone], 'after the upkeep');
});

test('past 100k ids the filter is saved at close and read back at start; one a crash left behind is brought up to date', async (t) => {
  const path = join(tempDir(t), 'saved.db');
  const uuid = uuidV4From(mulberry32(22));
  const first = Array.from({ length: 102_400 + 700 }, () => uuid());
  const later = Array.from({ length: 8_192 }, () => uuid());
  let session = '';
  let saved: { coveredSeq: number; capacity: number; added: number; bits: Buffer } | undefined;
  const filterRow = (sql: Database.Database) => sql.prepare('select covered_seq as coveredSeq, capacity, added, bits from tool_call_id_filter where id = 1').get() as typeof saved;
  {
    const store = openTestStore(t, path);
    session = await addSession(store, uuid());
    for (let i = 0; i < first.length; i += 20_000) await post(store, session, first.slice(i, i + 20_000));
    store.sqlite.settle();
    await store.close();
    const raw = new Database(path, { readonly: true });
    saved = filterRow(raw);
    raw.close();
    assert.ok(saved, 'saved at close');
    assert.equal(saved.coveredSeq, 102_400, 'up to the last run');
    assert.ok(saved.capacity >= 2 * 102_400 && saved.added >= 102_400, 'room for twice the ids stored');
  }
  {
    const store = openTestStore(t, path);
    await assertAllDuplicates(store, session, first, 'with the saved filter');
    for (let i = 0; i < later.length; i += 4096) assert.deepEqual(await post(store, session, later.slice(i, i + 4096)), outcome(4096, 0));
    store.sqlite.settle();
    await store.close();
  }
  // As a crash after those cuts leaves the file: the filter saved before them.
  const raw = new Database(path);
  assert.equal(filterRow(raw)?.coveredSeq, 110_592, 'saved again at close');
  const old = saved as NonNullable<typeof saved>;
  raw.prepare('update tool_call_id_filter set covered_seq = ?, capacity = ?, added = ?, bits = ? where id = 1').run(old.coveredSeq, old.capacity, old.added, old.bits);
  raw.close();
  const store = openTestStore(t, path);
  // The ids the saved filter covers (a sample) and all it does not: those above its seq.
  const uncovered = [...first.slice(102_400), ...later];
  await assertAllDuplicates(store, session, [...first.slice(0, 102_400).filter((_, i) => i % 10 === 0), ...uncovered], 'with a filter that covers only the first ids');
  assert.deepEqual(await post(store, session, [uuid(), uuid(), uuid()]), outcome(3, 0));
});

test('a merge cut short by a close is carried on at the next start, and loses no id', async (t) => {
  const path = join(tempDir(t), 'merge.db');
  const uuid = uuidV4From(mulberry32(23));
  const size = 64;
  const ids = Array.from({ length: size * 4 }, () => uuid());
  let session = '';
  {
    const store = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: size, moveEveryMs: 60_000 });
    const sql = store.sqlite.db.$client;
    session = await addSession(store, uuid());
    for (let i = 0; i < ids.length; i += size) await post(store, session, ids.slice(i, i + size));
    // A read moves the calls; the upkeep then cuts and merges a step per turn of the event loop.
    await store.toolCalls.list({ limit: 1 });
    for (let turn = 0; turn < 100 && mergeState(sql) === null; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.notEqual(mergeState(sql), null, 'caught during the merge');
    await store.close();
  }
  const store = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: size, moveEveryMs: 60_000 });
  const sql = store.sqlite.db.$client;
  const state = mergeState(sql) as MergeState;
  assert.ok(state !== null && state.inputs.length === 4, 'still under way');
  await assertAllDuplicates(store, session, ids, 'during the merge');
  store.sqlite.settle();
  assert.deepEqual(
    runsOf(sql).map((r) => [r.level, r.firstSeq, r.lastSeq, r.ids]),
    [[1, 1, 256, 256]],
  );
  assertIndexed(sql, size);
  await assertAllDuplicates(store, session, ids, 'after the merge');
});

test('a merge stopped half-way through deleting its inputs: lookups still find every id, cuts leave its runs alone, the next start finishes it', async (t) => {
  const path = join(tempDir(t), 'drop.db');
  const uuid = uuidV4From(mulberry32(24));
  const ids = Array.from({ length: 3 * RUN }, () => uuid());
  let session = '';
  {
    const store = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: RUN, moveEveryMs: 60_000 });
    const sql = store.sqlite.db.$client;
    session = await addSession(store, uuid());
    for (let i = 0; i < ids.length; i += RUN) await post(store, session, ids.slice(i, i + RUN));
    store.sqlite.settle();
    const inputs = runsOf(sql).map((r) => r.run);
    assert.equal(inputs.length, 3, 'three runs: fewer than a merge takes');
    // The merge's own steps, saved as the upkeep saves them, up to a few deletes into its inputs.
    let state: MergeState | null = { into: 0, inputs, cursor: null, gc: false, phase: 'copy', copied: 0 };
    const save = sql.prepare("insert into settings (key, value, updated_at) values ('toolCallIds.merge', ?, 0) on conflict (key) do update set value = excluded.value");
    while (state && !(state.phase === 'drop' && idsIn(sql) < 2 * ids.length)) {
      const current: MergeState = state;
      state = writeTransaction(store.sqlite.db, () => {
        const next = mergeStep(store.sqlite.db, current, 5, (n) => levelOf(n, RUN));
        save.run(JSON.stringify(next));
        return next;
      });
    }
    assert.ok(state?.phase === 'drop' && idsIn(sql) > ids.length, 'stopped while deleting the inputs');
    await store.close();
  }
  const store = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: RUN, moveEveryMs: 60_000 });
  const sql = store.sqlite.db.$client;
  assert.equal((mergeState(sql) as MergeState).phase, 'drop');
  await assertAllDuplicates(store, session, ids, 'inputs partly deleted');
  const more = Array.from({ length: RUN }, () => uuid());
  assert.deepEqual(await post(store, session, more), outcome(RUN, 0));
  store.sqlite.settle();
  assert.deepEqual(
    runsOf(sql).map((r) => [r.firstSeq, r.lastSeq, r.ids]),
    [
      [1, 24, 24],
      [25, 32, 8],
    ],
    'the merge finished; the cut made a run of its own',
  );
  assertIndexed(sql, RUN);
  await assertAllDuplicates(store, session, [...ids, ...more], 'after the merge');
});

test('a filter that took more ids than it was made for is rebuilt from the runs, and still answers for every id', async (t) => {
  const path = join(tempDir(t), 'filter.db');
  const uuid = uuidV4From(mulberry32(25));
  const runIds = 2048;
  const db = openDatabase({ path });
  runMigrations(db);
  const sql = db.$client;
  const session = uuid();
  sql.prepare("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values (?, 'agent', 'active', 0, 0, 0)").run(session);
  const insert = sql.prepare("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (?, ?, 'Read', 1, 'success', 0)");
  const add = (n: number): string[] => {
    const ids = Array.from({ length: n }, () => uuid());
    sql.transaction(() => ids.forEach((id) => insert.run(id, session)))();
    return ids;
  };
  const quiet = { warn: () => undefined };
  const fail = (err: unknown) => {
    throw err;
  };

  // Six cuts: four merged into a run of 8192 ids (read back in several slices), two left beside it.
  const ids = add(6 * runIds);
  toolCallIdUpkeep({ db, index: toolCallIdIndex(db, quiet), sizes: { runIds, fanout: FANOUT }, onError: fail }).runAll();
  assert.deepEqual(
    runsOf(sql).map((r) => r.ids),
    [8192, 2048, 2048],
  );
  // As a filter saved when the first run was all there was: made for fewer ids than are stored now.
  const small = new BloomFilter(ids.length);
  for (const id of ids.slice(0, 8192)) small.add(hashUuid(id));
  sql.prepare('insert into tool_call_id_filter (id, covered_seq, capacity, added, bits) values (1, 8192, ?, ?, ?)').run(ids.length, small.added, small.toBytes());

  const hot = add(100);
  const index = toolCallIdIndex(db, quiet);
  assert.equal(index.filterFull(), true, 'it took the ids it did not cover');
  const deleted = ids.filter((_, i) => i % 97 === 0);
  sql.prepare('delete from tool_calls where id in (select value from json_each(?))').run(JSON.stringify(deleted));
  toolCallIdUpkeep({ db, index, sizes: { runIds, fanout: FANOUT }, onError: fail }).runAll();
  assert.equal(index.filterFull(), false, 'rebuilt: only a new filter has room again');

  const gone = new Set(deleted);
  const missed = ids.filter((id) => !gone.has(id) && !index.isStored(id));
  assert.deepEqual(missed, [], 'every id in a run');
  assert.deepEqual(hot.filter((id) => !index.isStored(id)), [], 'every id above the runs');
  assert.deepEqual(deleted.filter((id) => index.isStored(id)), [], 'no deleted id');
  assert.deepEqual(Array.from({ length: 1000 }, () => uuid()).filter((id) => index.isStored(id)), [], 'no new id');
  closeDatabase(db);

  // The store, opened on the same file with the same small filter, rebuilds it on its own.
  const store = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: runIds, moveEveryMs: 60_000 });
  assert.deepEqual(await post(store, session, deleted), outcome(deleted.length, 0));
  store.sqlite.settle();
  await assertAllDuplicates(store, session, [...ids, ...hot], 'after the rebuild');
});

test("deleted calls' ids leave the runs: a mostly deleted run is rewritten alone, a merge over enough deleted calls drops them", async (t) => {
  const uuid = uuidV4From(mulberry32(26));
  const store = openTestStore(t, join(tempDir(t), 'gc.db'), { idRunFanout: FANOUT, idRunSize: RUN, moveEveryMs: 60_000 });
  const sql = store.sqlite.db.$client;
  const kept = await addSession(store, uuid());
  const doomed = await addSession(store, uuid());
  const keptIds: string[] = [];
  const doomedIds: string[] = [];
  const postBoth = async (nKept: number, nDoomed: number) => {
    const k = Array.from({ length: nKept }, () => uuid());
    const d = Array.from({ length: nDoomed }, () => uuid());
    await post(store, kept, k);
    await post(store, doomed, d);
    keptIds.push(...k);
    doomedIds.push(...d);
  };
  const rowsOf = (ids: string[]) => sql.prepare('select count(*) from tool_call_ids where hex(id) in (select upper(value) from json_each(?))').pluck().get(JSON.stringify(ids.map(idHex))) as number;

  await postBoth(2, 6);
  store.sqlite.settle();
  assert.equal(await store.sessions.remove(doomed), true);
  assert.deepEqual(runsOf(sql).map((r) => [r.ids, r.dead]), [[8, 6]]);
  // The next cut reads the runs again: the first is rewritten with its two live ids.
  await postBoth(RUN, 0);
  store.sqlite.settle();
  assert.deepEqual(runsOf(sql).map((r) => [r.firstSeq, r.lastSeq, r.ids, r.dead]), [[1, 8, 2, 0], [9, 16, 8, 0]]);
  assert.equal(rowsOf(doomedIds), 0);

  // Four of the next run's eight calls go: more than a tenth of the four runs a merge takes next.
  const other = await addSession(store, uuid());
  const scattered = Array.from({ length: 4 }, () => uuid());
  await post(store, kept, Array.from({ length: 4 }, () => uuid()));
  await post(store, other, scattered);
  store.sqlite.settle();
  assert.equal(await store.sessions.remove(other), true);
  await postBoth(RUN, 0);
  store.sqlite.settle();
  const [merged, ...rest] = runsOf(sql);
  assert.deepEqual(rest, [], 'four runs merged into one');
  assert.deepEqual([merged?.ids, merged?.dead], [2 + 8 + 4 + 8, 0], 'without the deleted calls');
  assert.equal(rowsOf(scattered), 0);
  assertIndexed(sql, RUN);
  assert.deepEqual(await post(store, kept, [...doomedIds, ...scattered]), outcome(10, 0));
  await assertAllDuplicates(store, kept, [...doomedIds, ...scattered], 'posted again');
});
