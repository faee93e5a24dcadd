import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { closeDatabase, openDatabase, type Db } from '../../../src/db/sqlite/client.js';
import { createWriteQueue, type GroupSteps } from '../../../src/db/sqlite/write-queue.js';
import { build, createSession, tempDir } from '../../helper.js';

const NO_STEPS: GroupSteps = { begin: () => undefined, jobDone: () => undefined, end: () => undefined, committed: () => undefined, rolledBack: () => undefined };

/** A real database file with a small table, and a second connection that sees only commits. */
function setup(t: TestContext) {
  const path = join(tempDir(t), 'queue.db');
  const db = openDatabase({ path });
  db.$client.exec(`
    create table parent (id integer primary key);
    create table item (id integer primary key, label text not null,
      parent_id integer references parent(id) deferrable initially deferred);
  `);
  const observer = new Database(path, { readonly: true });
  t.after(() => {
    observer.close();
    closeDatabase(db);
  });
  const committed = () => (observer.prepare('select label from item order by id').all() as Array<{ label: string }>).map((r) => r.label);
  return { db, committed };
}

const insert = (db: Db, label: string, parentId: number | null = null) =>
  db.$client.prepare('insert into item (label, parent_id) values (?, ?)').run(label, parentId);

test('concurrent runs share one transaction and are answered after its commit', async (t) => {
  const { db, committed } = setup(t);
  const queue = createWriteQueue({ db, windowMs: 0, steps: NO_STEPS });
  const seenByOthers: string[][] = [];
  const inTransaction: boolean[] = [];
  const results = await Promise.all(
    ['a', 'b', 'c', 'd'].map((label) =>
      queue.run((tx) => {
        insert(tx, label);
        inTransaction.push(tx.$client.inTransaction);
        // Nothing of this group is visible to another connection before the shared COMMIT.
        seenByOthers.push(committed());
        return label.toUpperCase();
      }),
    ),
  );
  assert.deepEqual(results, ['A', 'B', 'C', 'D']);
  assert.deepEqual(inTransaction, [true, true, true, true]);
  assert.deepEqual(seenByOthers, [[], [], [], []], 'no job was committed on its own');
  assert.deepEqual(committed(), ['a', 'b', 'c', 'd'], 'all committed once the promises resolve');
});

/**
 * One write per event-loop turn, as requests read by each turn's I/O arrive under load: each
 * schedules the next turn's write before it queues its own, so it runs before the queue's
 * end-of-turn check.
 */
function writeEveryTurn(queue: ReturnType<typeof createWriteQueue>, turns: number, job: (tx: Db, i: number) => unknown): Promise<unknown[]> {
  return new Promise((resolve) => {
    const results: Array<Promise<unknown>> = [];
    const turn = (i: number) => {
      if (i + 1 < turns) setImmediate(() => turn(i + 1));
      results.push(queue.run((tx) => job(tx, i)));
      if (i + 1 === turns) resolve(Promise.all(results));
    };
    setImmediate(() => turn(0));
  });
}

test('a group stays open while each event-loop turn brings more writes; a lone write commits at the end of its turn', async (t) => {
  const { db, committed } = setup(t);
  const queue = createWriteQueue({ db, windowMs: 10_000, steps: NO_STEPS });
  const seen = (await writeEveryTurn(queue, 5, (tx, i) => (insert(tx, `turn-${i}`), committed()))) as string[][];
  assert.deepEqual(seen, [[], [], [], [], []], 'one commit for all five turns');
  const started = performance.now();
  await queue.run((tx) => insert(tx, 'alone'));
  assert.ok(performance.now() - started < 1000, 'a lone write does not wait for the window');
  assert.deepEqual(committed(), ['turn-0', 'turn-1', 'turn-2', 'turn-3', 'turn-4', 'alone']);
});

test('writes that keep coming are committed once windowMs has passed; windowMs 0 commits at the first end-of-turn check', async (t) => {
  const { db, committed } = setup(t);
  const timed = createWriteQueue({ db, windowMs: 5, steps: NO_STEPS });
  const started = performance.now();
  let turns = 0;
  const seen = (await writeEveryTurn(timed, 2000, (tx, i) => {
    turns = i + 1;
    insert(tx, `w${i}`);
    return performance.now() - started < 200 ? committed().length : -1;
  })) as number[];
  assert.ok(turns === 2000);
  assert.ok(seen.some((n) => n > 0), 'a later write saw earlier ones committed: the window closed the group');

  const firstCheck = createWriteQueue({ db, windowMs: 0, steps: NO_STEPS });
  const before = committed().length;
  const counts = (await writeEveryTurn(firstCheck, 6, (tx, i) => (insert(tx, `z${i}`), committed().length))) as number[];
  assert.ok(counts[5]! > before, 'windowMs 0: the first end-of-turn check commits');
});

test('one failing job rolls back only itself', async (t) => {
  const { db, committed } = setup(t);
  const queue = createWriteQueue({ db, windowMs: 0, steps: NO_STEPS });
  const outcomes = await Promise.allSettled([
    queue.run((tx) => insert(tx, 'kept-1')),
    queue.run((tx) => {
      insert(tx, 'undone');
      throw new Error('job failed');
    }),
    queue.run((tx) => insert(tx, 'kept-2')),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal((outcomes[1] as PromiseRejectedResult).reason.message, 'job failed');
  assert.deepEqual(committed(), ['kept-1', 'kept-2']);
});

test('a job that fails before writing fails alone and the group runs once; one that fails after writing makes the group start over with savepoints', async (t) => {
  const { db, committed } = setup(t);
  const queue = createWriteQueue({ db, windowMs: 0, steps: NO_STEPS });
  const runs = { a: 0, refused: 0, b: 0 };
  const refused = await Promise.allSettled([
    queue.run((tx) => (runs.a++, insert(tx, 'a'))),
    queue.run(() => {
      runs.refused++;
      throw new Error('unknown session');
    }),
    queue.run((tx) => (runs.b++, insert(tx, 'b'))),
  ]);
  assert.deepEqual(refused.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.deepEqual(runs, { a: 1, refused: 1, b: 1 }, 'nothing was written before the throw: no second run');

  const again = { c: 0, partial: 0, d: 0 };
  const partial = await Promise.allSettled([
    queue.run((tx) => (again.c++, insert(tx, 'c'))),
    queue.run((tx) => {
      again.partial++;
      insert(tx, 'half');
      throw new Error('failed after a write');
    }),
    queue.run((tx) => (again.d++, insert(tx, 'd'))),
  ]);
  assert.deepEqual(partial.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.deepEqual(again, { c: 2, partial: 2, d: 1 }, 'rolled back at the partial write, then every job once more, each in a savepoint');
  assert.deepEqual(committed(), ['a', 'b', 'c', 'd'], 'each kept write committed once, the partial one not at all');
});

test('a failing commit rejects every job of the group and stores nothing', async (t) => {
  const { db, committed } = setup(t);
  const queue = createWriteQueue({ db, windowMs: 0, steps: NO_STEPS });
  // A deferred foreign key is checked at COMMIT, after every job's savepoint succeeded.
  const outcomes = await Promise.allSettled([
    queue.run((tx) => insert(tx, 'innocent')),
    queue.run((tx) => insert(tx, 'orphan', 42)),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected']);
  for (const o of outcomes) assert.match(String((o as PromiseRejectedResult).reason.code), /^SQLITE_CONSTRAINT/);
  assert.deepEqual(committed(), []);
  assert.equal(db.$client.inTransaction, false, 'the failed group was rolled back');
  await queue.run((tx) => insert(tx, 'later'));
  assert.deepEqual(committed(), ['later'], 'the queue keeps working');
});

test('a job whose error rolled back the whole transaction fails the group; later jobs never autocommit', async (t) => {
  const { db, committed } = setup(t);
  const queue = createWriteQueue({ db, windowMs: 0, steps: NO_STEPS });
  // What SQLite does on SQLITE_FULL or an I/O error: the transaction is gone, not just the savepoint.
  const outcomes = await Promise.allSettled([
    queue.run((tx) => insert(tx, 'before')),
    queue.run((tx) => {
      tx.$client.exec('ROLLBACK');
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    }),
    queue.run((tx) => insert(tx, 'after')),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
  assert.equal((outcomes[0] as PromiseRejectedResult).reason.code, 'SQLITE_FULL');
  assert.deepEqual(committed(), []);
  await queue.run((tx) => insert(tx, 'later'));
  assert.deepEqual(committed(), ['later']);
});

test('a group flushes at once when its weight reaches maxWeight', async (t) => {
  const { db, committed } = setup(t);
  const queue = createWriteQueue({ db, windowMs: 1000, maxWeight: 10, steps: NO_STEPS });
  const started = Date.now();
  const small = queue.run((tx) => insert(tx, 'small'), 3);
  const big = queue.run((tx) => insert(tx, 'big'), 7);
  await Promise.all([small, big]);
  assert.ok(Date.now() - started < 500, 'did not wait for the 1 s window');
  assert.deepEqual(committed(), ['small', 'big']);
});

test('flush commits what is waiting now', async (t) => {
  const { db, committed } = setup(t);
  const queue = createWriteQueue({ db, windowMs: 1000, steps: NO_STEPS });
  const pending = queue.run((tx) => insert(tx, 'x'));
  queue.flush();
  assert.deepEqual(committed(), ['x']);
  await pending;
  queue.flush();
});

test('closing the app commits writes still waiting for their group commit', async (t) => {
  const app = await build(t, { groupCommitMs: 1000 });
  const session = await createSession(app);
  const pending = app.store.toolCalls.append([{ sessionId: session.id, toolName: 'Flushed', durationMs: 1, status: 'success', errorType: null, timestamp: Date.now() }], { allOrNothing: true });
  await app.close();
  await pending;
  const db = openDatabase({ path: join(app.dir, 'analytics.db') });
  t.after(() => closeDatabase(db));
  assert.equal(db.$client.prepare('select tool_name from tool_calls where session_id = ?').pluck().get(session.id), 'Flushed');
});

test('group steps: begin before the jobs, jobDone after each, end after them in the same transaction, committed after the commit; rolledBack when it was lost', async (t) => {
  const { db, committed } = setup(t);
  const calls: string[] = [];
  const queue = createWriteQueue({
    db,
    windowMs: 0,
    steps: {
      begin: () => void calls.push('begin'),
      jobDone: (ok) => void calls.push(`jobDone ${String(ok)}`),
      end: () => {
        calls.push(`end in transaction: ${String(db.$client.inTransaction)}, in group: ${String(queue.inGroup())}`);
        insert(db, 'from-hook');
      },
      committed: () => void calls.push(`committed in transaction: ${String(db.$client.inTransaction)}`),
      rolledBack: () => void calls.push('rolledBack'),
    },
  });
  assert.equal(queue.inGroup(), false);
  await Promise.all([queue.run((tx) => insert(tx, 'a')), queue.run((tx) => insert(tx, 'b'))]);
  assert.deepEqual(calls, ['begin', 'jobDone true', 'jobDone true', 'end in transaction: true, in group: true', 'committed in transaction: false']);
  assert.deepEqual(committed(), ['a', 'b', 'from-hook']);
  assert.equal(queue.inGroup(), false);

  // The last job lost the transaction (disk full): the hook does not run in autocommit.
  calls.length = 0;
  const lost = await Promise.allSettled([
    queue.run((tx) => {
      tx.$client.exec('ROLLBACK');
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    }),
  ]);
  assert.equal(lost[0]?.status, 'rejected');
  assert.deepEqual(calls, ['begin', 'jobDone false', 'rolledBack']);
  assert.deepEqual(committed(), ['a', 'b', 'from-hook']);
});
