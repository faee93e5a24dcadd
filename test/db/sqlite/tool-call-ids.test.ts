import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { idBytes, toolCallIdIndex } from '../../../src/db/sqlite/tool-call-ids.js';
import { newId } from '../../../src/lib/ids.js';
import { auth, build, openTestStore, tempDir } from '../../helper.js';
import { mulberry32 } from '../../support/prng.js';
import { addSession, assertIndexed, FANOUT, levelOf, outcome, post, runsOf, toolCall, uuidV4From } from './tool-call-id-fixture.js';

/**
 * The contract's duplicate rule over the SQLite id index (src/db/sqlite/tool-call-ids.ts): an id
 * stored at any time, whatever its timestamp or session, is a duplicate; the ids of deleted calls
 * are no longer stored. Runs are made tiny (idRunSize) so cuts and tiered merges happen here.
 */

const RUN = 8;
const DAY = 86_400_000;

test('random ids through cuts and merges: the store answers as a model of the stored ids does (seeded)', async (t) => {
  const rand = mulberry32(0x1d5);
  const uuid = uuidV4From(rand);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const store = openTestStore(t, join(tempDir(t), 'ids.db'), { idRunFanout: FANOUT, idRunSize: RUN, moveEveryMs: 60_000 });
  const sql = store.sqlite.db.$client;

  // The model: each stored id with its session; ids whose session was deleted.
  const stored = new Map<string, string>();
  let storedIds: string[] = [];
  let deletedIds: string[] = [];
  const sessions: string[] = [];
  for (let i = 0; i < 6; i++) sessions.push(await addSession(store, uuid()));
  const checkpoint = async (op: number) => {
    store.sqlite.settle();
    assertIndexed(sql, RUN);
    const all = [...stored];
    for (let i = 0; i < all.length; i += 2000) {
      const chunk = all.slice(i, i + 2000);
      const calls = chunk.map(([id, session]) => toolCall(session, id, Math.floor(rand() * 1e12)));
      assert.deepEqual(await store.toolCalls.append(calls, { allOrNothing: true }), outcome(0, chunk.length), `op ${op}: every stored id is a duplicate`);
    }
  };

  let posted = 0;
  for (let op = 1; op <= 2400; op++) {
    const r = rand();
    if (r < 0.72) {
      // A batch of new ids, stored ones, ids of deleted calls and repeats, at random times.
      const session = pick(sessions);
      const ids: string[] = [];
      for (let n = 1 + Math.floor(rand() * 14); n > 0; n--) {
        const k = rand();
        if (k < 0.25 && storedIds.length > 0) ids.push(pick(storedIds));
        else if (k < 0.33 && deletedIds.length > 0) ids.push(pick(deletedIds));
        else if (k < 0.38 && ids.length > 0) ids.push(pick(ids));
        else ids.push(uuid());
      }
      const fresh = new Set(ids.filter((id) => !stored.has(id)));
      const res = await store.toolCalls.append(
        ids.map((id) => toolCall(session, id, Math.floor(rand() * 1e12))),
        { allOrNothing: true },
      );
      assert.deepEqual(res, outcome(fresh.size, ids.length - fresh.size), `op ${op}`);
      for (const id of fresh) {
        stored.set(id, session);
        storedIds.push(id);
      }
      posted += ids.length;
    } else if (r < 0.745 && sessions.length > 2) {
      const [gone] = sessions.splice(Math.floor(rand() * sessions.length), 1) as [string];
      assert.equal(await store.sessions.remove(gone), true);
      for (const [id, session] of stored) {
        if (session !== gone) continue;
        stored.delete(id);
        deletedIds.push(id);
      }
      storedIds = storedIds.filter((id) => stored.has(id));
      deletedIds = deletedIds.filter((id) => !stored.has(id));
    } else if (r < 0.79) {
      sessions.push(await addSession(store, uuid()));
    } else if (r < 0.9) {
      store.sqlite.settle();
    }
    if (op % 800 === 0) await checkpoint(op);
  }

  // Tool calls hold exactly the model's ids, each once, in its session.
  store.sqlite.settle();
  const rows = sql.prepare('select id, session_id as session from tool_calls').all() as Array<{ id: string; session: string }>;
  assert.equal(rows.length, stored.size);
  for (const row of rows) assert.equal(stored.get(row.id), row.session, row.id);
  // The walk went where it was meant to: thousands of calls, deletes, runs merged up several levels.
  assert.ok(posted > 10_000 && deletedIds.length > 500, `${posted} posted, ${deletedIds.length} deleted`);
  assert.ok(Math.max(...runsOf(sql).map((r) => r.level)) >= 3, 'merged up to level 3 at least');
  assert.ok((sql.prepare('select max(run) from tool_call_id_runs').pluck().get() as number) > 1000, 'over a thousand runs made');
});

test('time-ordered ids (server-made, then client UUID v7) grow one run, and stay duplicates', async (t) => {
  const store = openTestStore(t, join(tempDir(t), 'v7.db'), { idRunFanout: FANOUT, idRunSize: RUN, moveEveryMs: 60_000 });
  const sql = store.sqlite.db.$client;
  const session = await addSession(store, newId());
  const start = Date.now();
  // Without ids the store makes them (UUID v7); the calls' times follow their order.
  for (let i = 0; i < 100; i += 10) {
    const calls = Array.from({ length: 10 }, (_, j) => toolCall(session, undefined, start + i + j));
    assert.deepEqual(await store.toolCalls.append(calls, { allOrNothing: true }), outcome(10, 0));
  }
  store.sqlite.settle();
  const made = (await store.toolCalls.list({ session, limit: 1000 })).map((r) => r.id).reverse();
  assert.equal(made.length, 100);
  const sorted = [...made].sort();
  assert.deepEqual(made, sorted, 'made in time order');
  const [only, ...others] = runsOf(sql);
  assert.deepEqual(others, [], 'one run');
  assert.deepEqual(only, { run: 1, level: levelOf(96, RUN), firstSeq: 1, lastSeq: 96, ids: 96, dead: 0, minId: idBytes(made[0] as string), maxId: idBytes(made[95] as string) });
  assert.ok(only.level >= 1, 'past the size of a merge of FANOUT level-0 runs, yet never merged');

  // Client ids made the same way extend it too; every id is a duplicate, the hot ones as well.
  const client = Array.from({ length: 60 }, () => newId());
  assert.deepEqual(await store.toolCalls.append(client.map((id, i) => toolCall(session, id, start + 1000 + i)), { allOrNothing: true }), outcome(60, 0));
  store.sqlite.settle();
  assert.deepEqual(
    runsOf(sql).map((r) => [r.run, r.firstSeq, r.lastSeq, r.ids]),
    [[1, 1, 160, 160]],
  );
  assert.ok(runsOf(sql)[0]?.maxId?.equals(idBytes(client[client.length - 1] as string)));
  assertIndexed(sql, RUN);
  const all = [...made, ...client];
  assert.deepEqual(await store.toolCalls.append(all.map((id) => toolCall(session, id, 7)), { allOrNothing: true }), outcome(0, 160));
});

test('a re-post with another timestamp (or session) is a duplicate wherever the id is: staged, moved, in a run, merged', async (t) => {
  const rand = mulberry32(7);
  const uuid = uuidV4From(rand);
  const store = openTestStore(t, join(tempDir(t), 'ts.db'), { idRunFanout: FANOUT, idRunSize: RUN, moveEveryMs: 60_000 });
  const sql = store.sqlite.db.$client;
  const a = await addSession(store, uuid());
  const b = await addSession(store, uuid());
  const id = uuid();
  const times = [0, 1, Date.now(), Date.now() + 365 * DAY, 1_000 - DAY];
  const again = async (where: string) => {
    for (const [i, ts] of times.entries()) {
      assert.deepEqual(await store.toolCalls.append([toolCall(i % 2 ? a : b, id, ts)], { allOrNothing: true }), outcome(0, 1), `${where}, at ${ts}`);
    }
  };
  assert.deepEqual(await post(store, a, [id], 1_000), outcome(1, 0));
  await again('staged');
  store.sqlite.settle();
  assert.deepEqual(runsOf(sql), [], 'moved, in no run yet');
  await again('moved');
  assert.deepEqual(await post(store, a, Array.from({ length: RUN - 1 }, () => uuid())), outcome(RUN - 1, 0));
  store.sqlite.settle();
  assert.equal(runsOf(sql).length, 1);
  await again('in a run');
  assert.deepEqual(await post(store, b, Array.from({ length: RUN * (FANOUT - 1) }, () => uuid())), outcome(RUN * (FANOUT - 1), 0));
  store.sqlite.settle();
  assert.deepEqual(
    runsOf(sql).map((r) => [r.level, r.ids]),
    [[1, RUN * FANOUT]],
    'merged',
  );
  await again('merged');
  assert.equal(sql.prepare('select count(*) from tool_calls where id = ?').pluck().get(id), 1);
});

test("a deleted session's ids can be posted again, hot or in runs; everyone else's stay duplicates", async (t) => {
  const rand = mulberry32(11);
  const uuid = uuidV4From(rand);
  const store = openTestStore(t, join(tempDir(t), 'delete.db'), { idRunFanout: FANOUT, idRunSize: RUN, moveEveryMs: 60_000 });
  const sql = store.sqlite.db.$client;
  const kept = await addSession(store, uuid());
  const gone = await addSession(store, uuid());
  const keptIds = Array.from({ length: 24 }, () => uuid());
  const goneIds = Array.from({ length: 20 }, () => uuid());
  // Interleaved, so the gone session's calls are in every run.
  for (let i = 0; i < 4; i++) {
    await post(store, kept, keptIds.slice(i * 6, i * 6 + 6));
    await post(store, gone, goneIds.slice(i * 5, i * 5 + 5));
  }
  store.sqlite.settle();
  assert.deepEqual(
    runsOf(sql).map((r) => [r.level, r.ids]),
    [
      [1, 32],
      [0, 8],
    ],
    'in runs, merged or not; 4 calls hot',
  );
  const staged = Array.from({ length: 3 }, () => uuid());
  assert.deepEqual(await post(store, gone, staged), outcome(3, 0));

  assert.equal(await store.sessions.remove(gone), true);
  const revived = [...goneIds, ...staged];
  assert.deepEqual(await post(store, kept, revived, 5), outcome(23, 0), 'in runs, hot or staged: no longer stored');
  assert.deepEqual(await post(store, kept, revived, 6), outcome(0, 23), 'stored again');
  assert.deepEqual(await post(store, kept, keptIds), outcome(0, 24));

  store.sqlite.settle();
  assertIndexed(sql, RUN);
  assert.deepEqual(await post(store, kept, [...revived, ...keptIds], 7), outcome(0, 47), 'in runs again');
  assert.deepEqual(sql.prepare('select count(*) as n, count(distinct id) as ids from tool_calls').get(), { n: 47, ids: 47 });
});

test('through the app: DELETE of a session and retention of old calls make ids in runs postable again', async (t) => {
  const path = join(tempDir(t), 'app.db');
  const uuid = uuidV4From(mulberry32(3));
  const now = Date.now();
  const [oldIds, keptIds, goneIds] = [uuid, uuid, uuid].map((make) => Array.from({ length: 16 }, make)) as [string[], string[], string[]];
  {
    // Runs made with tiny sizes, then the app over the same file.
    const store = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: RUN });
    const old = await addSession(store, uuid());
    const kept = await addSession(store, uuid());
    const gone = await addSession(store, uuid());
    await post(store, old, oldIds, now - 40 * DAY);
    await post(store, kept, keptIds, now - DAY);
    await post(store, gone, goneIds, now - DAY);
    store.sqlite.settle();
    assert.equal(runsOf(store.sqlite.db.$client).reduce((n, r) => n + r.ids, 0), 48, 'every id in a run');
    await store.close();
  }
  const app = await build(t, { dbPath: path });
  const sessionOf = (id: string) => app.sqlite.db.$client.prepare('select session_id from tool_calls where id = ?').pluck().get(id) as string;
  const [old, kept, gone] = [oldIds[0], keptIds[0], goneIds[0]].map((id) => sessionOf(id as string)) as [string, string, string];
  const postIds = async (ids: string[], sessionId = kept, timestamp = new Date(now).toISOString()) => {
    const items = ids.map((id) => ({ id, sessionId, toolName: 'Read', durationMs: 1, status: 'success', timestamp }));
    const res = await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: auth(app.keys.ingest), payload: { items } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { accepted: number; duplicates: number };
  };

  assert.deepEqual(await postIds([...oldIds, ...keptIds, ...goneIds], old), { accepted: 0, duplicates: 48, rejected: [] });
  const del = await app.inject({ method: 'DELETE', url: `/v1/sessions/${gone}`, headers: auth(app.keys.admin) });
  assert.equal(del.statusCode, 204);
  assert.deepEqual(await postIds(goneIds), { accepted: 16, duplicates: 0, rejected: [] });

  // Old calls the app holds in memory only (in no run): retention deletes them too.
  const oldHot = Array.from({ length: 5 }, uuid);
  assert.deepEqual(await postIds(oldHot, old, new Date(now - 40 * DAY).toISOString()), { accepted: 5, duplicates: 0, rejected: [] });

  const policy = { toolCallsDays: 30, sessionsDays: 3650, productivityEventsDays: 3650, featureUsageDays: 3650, staleSessionHours: 24, schedule: '15 2 * * *', vacuum: 'off' };
  const put = await app.inject({ method: 'PUT', url: '/v1/retention/policy', headers: auth(app.keys.admin), payload: policy });
  assert.equal(put.statusCode, 200, put.body);
  const run = await app.inject({ method: 'POST', url: '/v1/retention/run', headers: auth(app.keys.admin) });
  assert.equal(run.statusCode, 200, run.body);
  assert.equal(run.json().deleted.toolCalls, 21);
  assert.deepEqual(await postIds([...oldIds, ...oldHot]), { accepted: 21, duplicates: 0, rejected: [] }, 'ids of calls retention deleted');
  assert.deepEqual(await postIds([...oldIds, ...oldHot, ...keptIds, ...goneIds], old), { accepted: 0, duplicates: 53, rejected: [] });
});

test('two stores on one file: each sees the ids the other stored (staged, moved, cut, merged) and the ones it deleted', async (t) => {
  const path = join(tempDir(t), 'shared.db');
  const uuid = uuidV4From(mulberry32(5));
  const a = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: RUN, moveEveryMs: 60_000 });
  const b = openTestStore(t, path, { idRunFanout: FANOUT, idRunSize: RUN, moveEveryMs: 60_000 });
  const s1 = await addSession(a, uuid());
  const s2 = await addSession(b, uuid());
  const fromA = Array.from({ length: 13 }, () => uuid());
  const fromB = Array.from({ length: 11 }, () => uuid());

  assert.deepEqual(await post(a, s1, fromA), outcome(13, 0));
  assert.deepEqual(await post(b, s2, fromA), outcome(0, 13), "staged by the other");
  assert.deepEqual(await post(b, s2, fromB), outcome(11, 0));
  assert.deepEqual(await post(a, s1, fromB), outcome(0, 11));

  a.sqlite.settle();
  assert.equal(runsOf(a.sqlite.db.$client).length, 3, 'the other store moved and cut them');
  assert.deepEqual(await post(b, s1, [...fromA, ...fromB]), outcome(0, 24));

  const more = Array.from({ length: 40 }, () => uuid());
  assert.deepEqual(await post(b, s2, more), outcome(40, 0));
  b.sqlite.settle();
  assert.ok(runsOf(b.sqlite.db.$client).some((r) => r.level === 1), 'the first store merged runs the other cut');
  assert.deepEqual(await post(a, s1, [...fromA, ...fromB, ...more]), outcome(0, 64));

  assert.equal(await a.sessions.remove(s2), true);
  const freed = [...fromB, ...more];
  assert.deepEqual(await post(b, s1, freed), outcome(51, 0), 'deleted by the other store');
  assert.deepEqual(await post(a, s1, freed), outcome(0, 51), 'stored again, by the other store');
  a.sqlite.settle();
  assert.deepEqual(await post(b, s1, [...fromA, ...freed]), outcome(0, 64), 'cut and merged by the other store');
  b.sqlite.settle();
  assertIndexed(b.sqlite.db.$client, RUN);
  assert.deepEqual(await post(a, s1, [...fromA, ...freed]), outcome(0, 64));
});

test('claims of a failed job or a rolled-back group are not stored; those of a committed group are', (t) => {
  const store = openTestStore(t, join(tempDir(t), 'claims.db'));
  const index = toolCallIdIndex(store.sqlite.db, { warn: () => undefined });
  const [kept, failed, lost, committed] = [newId(), newId(), newId(), newId()];

  index.begin();
  index.claim(kept, 's');
  index.jobDone(true);
  index.claim(failed, 's');
  assert.equal(index.isStored(failed), true, 'a claim is a duplicate within its own group');
  index.jobDone(false);
  assert.equal(index.isStored(failed), false, 'a failed job gives its claims back');
  assert.equal(index.isStored(kept), true, 'an earlier job of the group keeps its claims');
  index.claim(lost, 's');
  index.jobDone(true);
  index.rolledBack();
  assert.deepEqual([kept, lost].map(index.isStored), [false, false], 'a rolled-back group gives every claim back');

  index.begin();
  index.claim(committed, 's');
  index.jobDone(true);
  index.committed();
  index.begin();
  index.rolledBack();
  assert.equal(index.isStored(committed), true, 'a committed claim survives a later group rolled back');
});

test('a group that starts over with savepoints stores the calls its first attempt had claimed (not duplicates of themselves)', async (t) => {
  const store = openTestStore(t, join(tempDir(t), 'restart.db'), { groupCommitMs: 5 });
  const session = await addSession(store, newId());
  const clientId = newId();
  // Job 1: a client's call with its own id, claimed in the group's first attempt.
  const first = store.toolCalls.append([toolCall(session, clientId)], { allOrNothing: true });
  // Job 2, same group: creates an agent session (a write), then fails on a call no check lets in,
  // so the group rolls back and starts over with a savepoint per job.
  const agent = newId();
  const second = store.toolCalls.append([{ ...toolCall(agent, undefined), durationMs: -1 }], {
    allOrNothing: false,
    agentSessions: [{ id: agent, profile: null, project: null, startedAt: Date.now() }],
  });
  const [one, two] = await Promise.allSettled([first, second]);
  assert.deepEqual(one, { status: 'fulfilled', value: outcome(1, 0) }, 'stored, not a duplicate of its own first attempt');
  assert.equal(two.status, 'rejected');
  store.sqlite.settle();
  const sql = store.sqlite.db.$client;
  assert.equal(sql.prepare('select count(*) from tool_calls where id = ?').pluck().get(clientId), 1);
});
