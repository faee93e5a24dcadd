import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { HOT_LIMIT } from '../../../src/db/sqlite/bulk-loaded.js';
import { openTestStore, tempDir } from '../../helper.js';

test('calls written straight into the file are filed in the id index at the next start, and counted', async (t) => {
  const path = join(tempDir(t), 'bulk.db');
  await openTestStore(t, path).close();
  const raw = new Database(path);
  const session = randomUUID();
  raw.prepare("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values (?, 'agent', 'active', 0, 0, 0)").run(session);
  const ids = Array.from({ length: HOT_LIMIT + 10 }, () => randomUUID());
  const insert = raw.prepare("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (?, ?, 'Bash', 1, 'success', ?)");
  raw.transaction(() => ids.forEach((id, i) => insert.run(id, session, i)))();
  raw.close();

  const store = openTestStore(t, path);
  const sql = store.sqlite.db.$client;
  assert.deepEqual(sql.prepare('select ids, first_seq as first, last_seq as last from tool_call_id_runs').all(), [{ ids: ids.length, first: 1, last: ids.length }], 'one run');
  assert.equal((await store.stats()).tables.toolCalls, ids.length);
  const again = await store.toolCalls.append([{ id: ids[12345] as string, sessionId: session, toolName: 'Bash', durationMs: 1, status: 'success', errorType: null, timestamp: 5 }], { allOrNothing: true });
  assert.equal(again.duplicates, 1);
});
