import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { BloomFilter, hashUuid } from '../../../src/db/sqlite/bloom-filter.js';
import { openTestStore, tempDir } from '../../helper.js';
import { addSession, FANOUT, outcome, post } from './tool-call-id-fixture.js';

/** Cases the id-index tests found: each failed before its fix. */

const newIds = (n: number) => Array.from({ length: n }, () => randomUUID());

test('an id posted again after its call was deleted stays a duplicate once a cut extends the run that still holds the old entry', async (t) => {
  const store = openTestStore(t, join(tempDir(t), 'extend.db'), { moveEveryMs: 60_000 }); // default runs of 16384, cuts of 4096
  const a = await addSession(store, randomUUID());
  const c = await addSession(store, randomUUID());
  const x = randomUUID();
  assert.deepEqual(await post(store, a, newIds(4095)), outcome(4095, 0));
  assert.deepEqual(await post(store, c, [x]), outcome(1, 0));
  store.sqlite.settle(); // run 1 holds seq 1..4096, x among them
  assert.equal(await store.sessions.remove(c), true); // x's entry stays in run 1, its call gone
  assert.deepEqual(await post(store, a, [x]), outcome(1, 0), 'stored again');
  assert.deepEqual(await post(store, a, newIds(4095)), outcome(4095, 0));
  store.sqlite.settle(); // the cut extends run 1 with x's new call
  assert.deepEqual(await post(store, a, [x], 5), outcome(0, 1));
  assert.equal(store.sqlite.db.$client.prepare('select count(*) from tool_calls where id = ?').pluck().get(x), 1);
});

test('two stores on one file: the upkeep plans from the runs as the file has them, not as it last saw them', async (t) => {
  const path = join(tempDir(t), 'two.db');
  const a = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: 8, moveEveryMs: 60_000 });
  const b = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: 8, moveEveryMs: 60_000 });
  const live = await addSession(a, randomUUID());
  const doomed = await addSession(a, randomUUID());
  const kept = newIds(2);
  await post(a, live, kept);
  await post(a, doomed, newIds(6));
  a.sqlite.settle(); // run 1: 2 live ids, 6 to be deleted
  assert.equal(await a.sessions.remove(doomed), true);
  await post(b, live, newIds(1)); // b reloads the runs: run 1 is mostly deleted
  await post(a, live, newIds(8));
  a.sqlite.settle(); // a cuts a run and rewrites run 1
  b.sqlite.settle(); // b's upkeep: its list of runs is stale
  assert.deepEqual(await post(b, live, kept), outcome(0, 2));
  assert.deepEqual(await post(a, live, kept), outcome(0, 2));
});

test('a filter rebuild that overlaps another store rewriting the runs loses no id', async (t) => {
  const path = join(tempDir(t), 'rebuild.db');
  const first = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: 8, moveEveryMs: 60_000 });
  const live = await addSession(first, randomUUID());
  const doomed = await addSession(first, randomUUID());
  const kept = newIds(2);
  await post(first, live, kept);
  await post(first, doomed, newIds(6));
  await post(first, live, newIds(8));
  first.sqlite.settle(); // run 1 (2 live, 6 doomed), run 2 (8 live)
  const run1 = first.sqlite.db.$client.prepare('select t.id from tool_call_ids i join tool_calls t on t.seq = i.seq where i.run = 1').pluck().all() as string[];
  await first.close();
  // A saved filter as a close long ago left it: full already, so the next store to open rebuilds it.
  const small = new BloomFilter(16);
  for (const id of run1) small.add(hashUuid(id));
  const raw = new Database(path);
  raw.prepare('insert into tool_call_id_filter (id, covered_seq, capacity, added, bits) values (1, 8, 16, 8, ?)').run(small.toBytes());
  raw.close();

  const a = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: 8, moveEveryMs: 60_000 });
  const b = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: 8, moveEveryMs: 60_000 });
  assert.equal(await a.sessions.remove(doomed), true);
  await post(a, live, newIds(8));
  a.sqlite.settle(); // a cuts run 3 and rewrites run 1 as run 4
  b.sqlite.settle(); // b rebuilds its filter meanwhile
  assert.deepEqual(await post(b, live, kept), outcome(0, 2));
});
