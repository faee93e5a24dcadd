import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeDatabase, openDatabase, type Db } from '../../src/db/sqlite/client.js';
import { CHECKPOINTER_NICE, startWalCheckpointer } from '../../src/db/sqlite/wal-checkpointer.js';
import { tempDir } from '../helper.js';

const autoCheckpoint = (db: Db) => Number(db.$client.pragma('wal_autocheckpoint', { simple: true }));
const walSize = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

function open(t: Parameters<typeof tempDir>[0]) {
  const path = join(tempDir(t), 'wal.db');
  const db = openDatabase({ path });
  t.after(() => closeDatabase(db));
  db.$client.exec('create table t (id integer primary key, v blob)');
  return { db, path };
}

test('one worker per connection however many users; the connection checkpoints by itself again when the last one stops', async (t) => {
  const { db, path } = open(t);
  assert.equal(autoCheckpoint(db), 1000);
  const app = startWalCheckpointer(db, path);
  const job = startWalCheckpointer(db, path);
  assert.equal(autoCheckpoint(db), 1000, 'the connection checkpoints by itself until the worker has its own');
  assert.equal(await app.ready, true);
  assert.equal(autoCheckpoint(db), 0);
  assert.equal(await job.stop(), null);
  assert.equal(autoCheckpoint(db), 0, 'the other user still has the worker');
  await app.stop();
  assert.equal(autoCheckpoint(db), 1000);
  assert.equal(await app.stop(), null, 'stopping twice is harmless');
  assert.equal(autoCheckpoint(db), 1000);
});

test('under continuous writes the WAL stays bounded, and stop({ truncate }) leaves it empty', async (t) => {
  const { db, path } = open(t);
  const limit = 1024 * 1024;
  const checkpoints = startWalCheckpointer(db, path, { intervalMs: 20, walLimitBytes: limit });
  await checkpoints.ready;
  // Ingest-like: a small transaction every millisecond (~20 MB/s of WAL frames), never idle
  // long enough for PASSIVE checkpoints alone to let the WAL start over.
  const insert = db.$client.prepare("with recursive n(i) as (select 1 union all select i + 1 from n where i < 10) insert into t (v) select randomblob(2000) from n");
  let largest = 0;
  let commits = 0;
  for (const until = Date.now() + 2000; Date.now() < until; commits++) {
    insert.run();
    largest = Math.max(largest, walSize(path));
    await sleep(1);
  }
  t.diagnostic(`${commits} commits (~${((commits * 10 * 2048) / 2 ** 20).toFixed(0)} MiB of rows), largest WAL file ${(largest / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(commits * 10 * 2048 > 8 * limit, 'wrote many times the limit');
  assert.ok(largest < 6 * limit, `WAL file stayed near the limit (largest ${largest} bytes)`);
  const truncation = await checkpoints.stop({ truncate: true });
  assert.equal(truncation?.busy, false);
  assert.equal(walSize(path), 0);
  assert.equal((db.$client.prepare('select count(*) as n from t').get() as { n: number }).n, commits * 10);
});

test('in-memory databases get no worker', async (t) => {
  const db = openDatabase({ path: ':memory:' });
  t.after(() => closeDatabase(db));
  const checkpoints = startWalCheckpointer(db, ':memory:');
  assert.equal(autoCheckpoint(db), 1000);
  await checkpoints.drainIfLarge();
  assert.equal(await checkpoints.stop({ truncate: true }), null);
});

test('drainIfLarge waits for the worker only while the log holds more frames than the limit', async (t) => {
  const { db, path } = open(t);
  const checkpoints = startWalCheckpointer(db, path, { intervalMs: 10, walLimitBytes: 256 * 1024 });
  t.after(() => checkpoints.stop());
  db.$client.prepare('insert into t (v) values (randomblob(1000))').run();
  await sleep(50);
  assert.equal(await checkpoints.drainIfLarge(), false, 'a small log');
  // The worker reads the log's size as it checkpoints (every 10 ms here): give it a few rounds.
  const drainsWithin = async (bytes?: number) => {
    for (let i = 0; i < 50; i++) {
      if (await checkpoints.drainIfLarge(bytes)) return true;
      await sleep(20);
    }
    return false;
  };
  assert.equal(await drainsWithin(1024), true, 'past a smaller bound of the caller\'s');
  db.$client.prepare('with recursive n(i) as (select 1 union all select i + 1 from n where i < 400) insert into t (v) select randomblob(2000) from n').run();
  assert.equal(await drainsWithin(), true, 'about 1 MiB of frames');
});

test('on Linux the worker runs at a lower priority than the request thread (its own nice value)', { skip: process.platform !== 'linux' && 'nice values are per thread on Linux only' }, async (t) => {
  const niceThreads = () =>
    readdirSync('/proc/self/task').filter((tid) => {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) === CHECKPOINTER_NICE;
      } catch {
        return false; // the thread ended meanwhile
      }
    }).length;
  const within = async (ok: () => boolean) => {
    for (let i = 0; i < 100 && !ok(); i++) await sleep(20);
    return ok();
  };
  assert.equal(os.getPriority(), 0, 'the request thread keeps the process priority');
  const before = niceThreads();
  const { db, path } = open(t);
  const checkpoints = startWalCheckpointer(db, path);
  assert.ok(await within(() => niceThreads() === before + 1), 'the checkpointer thread is niced');
  assert.equal(os.getPriority(), 0);
  await checkpoints.stop();
  assert.ok(await within(() => niceThreads() === before), 'and gone once stopped');
});
