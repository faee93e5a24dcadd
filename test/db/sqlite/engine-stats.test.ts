import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeDatabase, openDatabase } from '../../../src/db/sqlite/client.js';
import { createWriteQueue, type GroupSteps } from '../../../src/db/sqlite/write-queue.js';
import type { Draft, ToolCallRow } from '../../../src/db/store.js';
import { COMMIT_ROWS_BOUNDS, createDistribution } from '../../../src/lib/distribution.js';
import { newId } from '../../../src/lib/ids.js';
import { openTestStore, tempDir } from '../../helper.js';

const NO_STEPS: GroupSteps = { begin: () => undefined, jobDone: () => undefined, end: () => undefined, committed: () => undefined, rolledBack: () => undefined };

/** The cumulative count at a bound of a distribution's snapshot. */
const atBound = (d: { bounds: readonly number[]; cumulative: readonly number[] }, bound: number) => d.cumulative[d.bounds.indexOf(bound)];

test('a distribution counts each observation under the first bound it fits, cumulatively; above the last only in count and sum', () => {
  const d = createDistribution([1, 10, 100]);
  for (const v of [0.5, 1, 2, 10, 50, 1000]) d.observe(v);
  assert.deepEqual(d.snapshot(), { bounds: [1, 10, 100], cumulative: [2, 4, 5], count: 6, sum: 1063.5 });
});

test('the store counts its group commits (rows, seconds), the staged calls and the rollup deltas waiting, and the file sizes', async (t) => {
  const store = openTestStore(t, join(tempDir(t), 'engine.db'), { moveEveryMs: 60_000, foldEveryMs: 60_000 });
  const sql = store.sqlite.db.$client;
  const session = newId();
  sql.prepare("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values (?, 'agent', 'active', 0, 0, 0)").run(session);
  const call = (): Draft<ToolCallRow> => ({ sessionId: session, toolName: 'Read', durationMs: 5, status: 'success', errorType: null, timestamp: Date.now() });

  const fresh = await store.engineStats();
  assert.deepEqual([fresh.commits.succeeded, fresh.commits.failed, fresh.stagedToolCalls, fresh.rollups.pendingBatches, fresh.rollups.lagSeconds], [0, 0, 0, 0, 0]);
  assert.deepEqual(fresh.queued, { writes: 0, rows: 0 });

  await store.toolCalls.append([call(), call(), call()], { allOrNothing: true });
  // Two requests in one event-loop turn share one group commit of 2 rows.
  const both = Promise.all([store.toolCalls.append([call()], { allOrNothing: true }), store.toolCalls.append([call()], { allOrNothing: true })]);
  assert.deepEqual((await store.engineStats()).queued, { writes: 2, rows: 2 }, 'waiting for their commit');
  await both;
  await new Promise((resolve) => setTimeout(resolve, 5));

  const s = await store.engineStats();
  assert.deepEqual(s.queued, { writes: 0, rows: 0 });
  assert.deepEqual([s.commits.succeeded, s.commits.failed], [2, 0]);
  assert.deepEqual([s.commits.rows.count, s.commits.rows.sum], [2, 5]);
  assert.deepEqual(s.commits.rows.bounds, COMMIT_ROWS_BOUNDS);
  assert.deepEqual([atBound(s.commits.rows, 1), atBound(s.commits.rows, 2), atBound(s.commits.rows, 5)], [0, 1, 2]);
  assert.equal(s.commits.seconds.count, 2);
  assert.ok(s.commits.seconds.sum > 0 && s.commits.seconds.sum < 5, String(s.commits.seconds.sum));
  assert.equal(s.stagedToolCalls, 5);
  assert.equal(s.rollups.pendingBatches, 2, 'one delta row per group commit, not folded yet');
  assert.ok(s.rollups.lagSeconds >= 0.004, `the oldest delta waited: ${s.rollups.lagSeconds}`);
  assert.equal(s.rollups.built, (await store.rollups.state()).built);
  assert.ok(s.database.databaseBytes > 0 && s.database.pageSize > 0);

  store.sqlite.settle();
  const settled = await store.engineStats();
  assert.deepEqual([settled.stagedToolCalls, settled.rollups.pendingBatches, settled.rollups.lagSeconds], [0, 0, 0]);
  assert.equal(settled.commits.succeeded, 2, 'settling commits nothing through the queue when nothing waits');
});

test('a group whose commit fails counts as failed, with nothing observed', async (t) => {
  const db = openDatabase({ path: join(tempDir(t), 'queue.db') });
  t.after(() => closeDatabase(db));
  db.$client.exec('create table parent (id integer primary key); create table item (id integer primary key, parent_id integer references parent(id) deferrable initially deferred);');
  const queue = createWriteQueue({ db, windowMs: 0, steps: NO_STEPS });
  await queue.run((tx) => tx.$client.prepare('insert into item (parent_id) values (null)').run());
  // A deferred foreign key fails at COMMIT.
  await assert.rejects(queue.run((tx) => tx.$client.prepare('insert into item (parent_id) values (42)').run(), 3));
  const { commits } = queue.stats();
  assert.deepEqual([commits.succeeded, commits.failed, commits.rows.sum, commits.seconds.count], [1, 1, 1, 1]);
});
