import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeDatabase, openDatabase, type Db } from '../../src/db/sqlite/client.js';
import { runMigrations } from '../../src/db/sqlite/migrate.js';
import { addEncoded } from '../../src/lib/latency-histogram.js';
import { openTestStore, tempDir } from '../helper.js';
import { migrationsUpTo } from './migrations-up-to.js';

/** Both rollup levels, histograms decoded. */
const dump = (db: Db) => {
  const rows = (sql: string) =>
    (db.$client.prepare(sql).all() as Array<{ histogram: Uint8Array }>).map((r) => {
      const histogram = new Map<number, number>();
      addEncoded(histogram, r.histogram);
      return { ...r, histogram: Object.fromEntries(histogram) };
    });
  return { slots: rows('select * from tool_call_slot_rollups order by 1, 2, 3, 4'), summaries: rows('select * from tool_call_summaries order by 1, 2, 3, 4') };
};

test('upgrading from the v1 rollups (migrations 0007–0009) converts them into exactly what v2 builds, and keeps rollups whose raw rows are gone', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'upgrade.db');
  const db = openDatabase({ path });
  runMigrations(db, migrationsUpTo(dir, 7)); // 0000–0006: rollups v1
  const s = db.$client;
  s.exec("insert into profiles (id, name, created_at, updated_at) values (7, 'alpha', 0, 0)");
  s.exec("insert into sessions (id, profile_id, type, status, project, started_at, updated_at, last_activity_at) values ('0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d', 7, 'agent', 'active', 'web', 0, 0, 0)");
  const day = 86_400_000;
  const base = 20_000 * day;
  const calls: Array<[number, string, number, string]> = [
    [base + 1000, 'Bash', 120, 'success'],
    [base + 2000, 'Bash', 120, 'error'],
    [base + 3000, 'Bash', 5000, 'timeout'],
    [base + 3_700_000, 'Read', 7, 'success'],
    [base + day + 5, 'Bash', 250_000, 'success'],
  ];
  // v1 rows as v1's ingest wrote them: per status, and one histogram row per bucket.
  const insertCall = s.prepare("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (?, '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d', ?, ?, ?, ?)");
  calls.forEach(([ts, tool, d, status], i) => insertCall.run(`0193a0b2-7c1e-7d7a-9f6e-00000000000${i}`, tool, d, status, ts));
  s.exec(`insert into tool_call_rollups select timestamp / 900000 * 900000, tool_name, 7, 'web', status, count(*), sum(duration_ms), max(duration_ms) from tool_calls group by 1, 2, 5`);
  const bucketRows: Array<[number, string, number, number]> = [
    [base, 'Bash', 120, 2],
    [base, 'Bash', 416, 1],
    [base + 3_600_000, 'Read', 7, 1],
    [base + day, 'Bash', 678, 1],
  ];
  const insertBucket = s.prepare("insert into tool_call_latency_buckets values (?, ?, 7, 'web', ?, ?)");
  for (const row of bucketRows) insertBucket.run(...row);
  s.exec(`insert into settings values ('rollups.toolCalls', '{"built":true,"next":null,"end":null}', 0)`);

  runMigrations(db);
  const converted = dump(db);
  closeDatabase(db);
  assert.equal(converted.slots.length, 3);
  assert.deepEqual(converted.slots[0], { slot_start: base, tool_name: 'Bash', profile_id: 7, project: 'web', calls: 3, errors: 1, timeouts: 1, duration_sum: 5240, duration_max: 5000, histogram: { 120: 2, 416: 1 } });
  const store = openTestStore(t, path);
  const { rollups } = store;
  const upgraded = store.sqlite.db;
  assert.equal((await rollups.state()).built, true, 'v1 state carries over: nothing to backfill');
  assert.equal(await rollups.needsUpgrade(), true, 'v1 summaries have no half-past hours yet');

  // What v2's own rebuild makes of the same raw rows is the same (bucket numbers of v1 = v2),
  // plus the half-past hour summaries of the current layout.
  await rollups.rebuild();
  assert.equal(await rollups.needsUpgrade(), false, 'a rebuild over every day writes the current layout');
  const rebuilt = dump(upgraded);
  const halfPast = (r: { grain: number; slot_start: number }) => r.grain === 3_600_000 && r.slot_start % 3_600_000 !== 0;
  assert.deepEqual(rebuilt.slots, converted.slots);
  assert.deepEqual(
    rebuilt.summaries.filter((r) => !halfPast(r as never)),
    converted.summaries,
  );
  assert.ok(rebuilt.summaries.some((r) => halfPast(r as never)), 'half-past hour summaries written');

  // Raw retention deletes the first day: the converted rollups still hold it, and a rebuild
  // (from raw rows) cannot bring that day to the current layout: the upgrade does, from slots.
  const u = upgraded.$client;
  u.exec(`delete from tool_call_summaries where grain = 3600000 and slot_start % 3600000 != 0`);
  u.exec(`update settings set value = '{"built":true,"next":null,"end":null}' where key = 'rollups.toolCalls'`);
  u.exec(`delete from tool_calls where timestamp < ${base + day}`);
  await rollups.rebuild();
  assert.equal(await rollups.needsUpgrade(), true, 'the first day still has the old layout');
  const upgrade = await rollups.upgradeSummaries();
  assert.equal(upgrade.days, 2);
  assert.equal(await rollups.needsUpgrade(), false);
  assert.deepEqual(dump(upgraded), rebuilt, 'a rebuild and the upgrade keep rollups whose raw rows are gone');
});
