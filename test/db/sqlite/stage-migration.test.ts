import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeDatabase, openDatabase } from '../../../src/db/sqlite/client.js';
import { MIGRATIONS_FOLDER, runMigrations } from '../../../src/db/sqlite/migrate.js';
import { tempDir } from '../../helper.js';
import { migrationsUpTo } from '../migrations-up-to.js';

test('calls staged as JSON batches move into tool_call_stage on upgrade, but for those a saved move had already put into tool_calls', (t) => {
  const dir = tempDir(t);
  const db = openDatabase({ path: join(dir, 'stage.db') });
  t.after(() => closeDatabase(db));
  runMigrations(db, migrationsUpTo(dir, 25)); // 0000–0024: batches still hold staged calls
  const s = db.$client;
  const session = '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d';
  s.prepare("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values (?, 'agent', 'active', 0, 0, 0)").run(session);
  const call = (id: string, ts: number) => [`00000000-0000-4000-8000-00000000000${id}`, session, 'Bash', 5, 'success', null, ts];
  const batch = s.prepare('insert into tool_call_batches (id, calls) values (?, ?)');
  batch.run(1, JSON.stringify([call('1', 10), call('2', 30)]));
  batch.run(2, JSON.stringify([call('3', 20), call('4', 40)]));
  batch.run(3, JSON.stringify([call('5', 15)])); // staged after the move began: not part of it
  // A move of batches 1–2 got as far as (20, …3) in timestamp order: calls 1 and 3 are in tool_calls.
  s.prepare("insert into settings (key, value, updated_at) values ('toolCalls.move', ?, 0)").run(JSON.stringify({ upTo: 2, after: [20, call('3', 20)[0]] }));
  runMigrations(db, MIGRATIONS_FOLDER);
  assert.deepEqual(s.prepare('select timestamp, substr(id, -1) as n from tool_call_stage order by timestamp, id').all(), [
    { timestamp: 15, n: '5' },
    { timestamp: 30, n: '2' },
    { timestamp: 40, n: '4' },
  ]);
  assert.equal(s.prepare("select count(*) from settings where key = 'toolCalls.move'").pluck().get(), 0);
  assert.equal(s.prepare("select count(*) from sqlite_master where name = 'tool_call_batches'").pluck().get(), 0);
});
