import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeDatabase, openDatabase } from '../../src/db/sqlite/client.js';
import { runMigrations } from '../../src/db/sqlite/migrate.js';
import { createBatchIngester } from '../../src/services/batch-ingest.js';
import { createIngestCounters } from '../../src/services/ingest-counters.js';
import { createSessionDims } from '../../src/services/session-dims.js';
import { createWriteQueue } from '../../src/services/write-queue.js';
import { tempDir } from '../helper.js';

type Item = { id: string; sessionId: string; at: number; fail?: boolean };

test('a job whose insert throws midway counts nothing in its session; the jobs beside it in the group count once', async (t) => {
  const db = openDatabase({ path: join(tempDir(t), 'ingest.db') });
  t.after(() => closeDatabase(db));
  runMigrations(db);
  db.$client.exec("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values ('s1', 'agent', 'active', 0, 0, 0)");
  db.$client.exec('create table item (id text primary key)');
  const writes = createWriteQueue({ db, windowMs: 0 });
  const insert = db.$client.prepare('insert into item (id) values (?) on conflict do nothing');
  const ingester = createBatchIngester<Item, Item>(
    { db, now: Date.now, writes, counters: createIngestCounters(), sessionDims: createSessionDims(db) },
    {
      noun: 'item',
      toRow: (input) => input,
      sessionIdOf: (row) => row.sessionId,
      activityAt: (row) => row.at,
      insert: (_db, row) => {
        if (row.fail) throw new Error('the database refused this row');
        return insert.run(row.id).changes > 0;
      },
      countsToolCalls: true,
    },
  );
  const batch = (items: Item[]) => ({ items: items.map((value, index) => ({ index, value })), rejected: [], isBatch: true });
  const [good, bad, single] = await Promise.allSettled([
    ingester.ingest(batch([{ id: 'a', sessionId: 's1', at: 10 }, { id: 'b', sessionId: 's1', at: 20 }]), false),
    ingester.ingest(batch([{ id: 'c', sessionId: 's1', at: 90 }, { id: 'd', sessionId: 's1', at: 95, fail: true }]), false),
    ingester.ingest(batch([{ id: 'e', sessionId: 's1', at: 30 }]), false),
  ]);
  assert.deepEqual(good, { status: 'fulfilled', value: { accepted: 2, duplicates: 0, rejected: [] } });
  assert.equal(bad.status, 'rejected');
  assert.deepEqual(single, { status: 'fulfilled', value: { accepted: 1, duplicates: 0, rejected: [] } });
  assert.deepEqual(db.$client.prepare('select id from item order by id').pluck().all(), ['a', 'b', 'e']);
  assert.deepEqual(db.$client.prepare("select tool_call_count as n, last_activity_at as at from sessions where id = 's1'").get(), { n: 3, at: 30 });
});
