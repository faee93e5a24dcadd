import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeDatabase, openDatabase, type Db } from '../../src/db/sqlite/client.js';
import { MIGRATIONS_FOLDER, MigrationError, appliedMigrationCount, runMigrations } from '../../src/db/sqlite/migrate.js';
import { tempDir } from '../helper.js';

const TABLES = ['api_keys', 'feature_usage', 'leases', 'productivity_events', 'profile_audit', 'profiles', 'retention_runs', 'row_counts', 'sessions', 'settings', 'tool_call_id_filter', 'tool_call_id_runs', 'tool_call_ids', 'tool_call_rollup_deltas', 'tool_call_slot_rollups', 'tool_call_stage', 'tool_call_summaries', 'tool_calls'];
const VIEWS = ['feature_adoption', 'productivity_summary', 'session_stats'];

function freshDb(t: Parameters<typeof tempDir>[0]): { db: Db; path: string } {
  const path = join(tempDir(t), 'schema.db');
  const db = openDatabase({ path });
  runMigrations(db);
  t.after(() => closeDatabase(db));
  return { db, path };
}

const all = (db: Db, sql: string, ...params: unknown[]) => db.$client.prepare(sql).all(...params) as Array<Record<string, unknown>>;
const names = (db: Db, type: string) => all(db, "select name from sqlite_master where type = ? and name not like 'sqlite_%' and name not like '__drizzle%' order by name", type).map((r) => r.name);

test('every table and view exists, WAL is on and auto_vacuum is incremental', (t) => {
  const { db } = freshDb(t);
  assert.deepEqual(names(db, 'table'), TABLES);
  assert.deepEqual(names(db, 'view'), VIEWS);
  assert.equal(db.$client.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.$client.pragma('auto_vacuum', { simple: true }), 2);
  assert.equal(db.$client.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.$client.pragma('synchronous', { simple: true }), 1, 'NORMAL');
  assert.ok(Number(db.$client.pragma('busy_timeout', { simple: true })) > 0);
  // An 8 MiB page cache (src/db/sqlite/client.ts says why not more) and a WAL file kept at 256 MiB when the log starts over.
  assert.equal(db.$client.pragma('cache_size', { simple: true }), -8192);
  assert.equal(db.$client.pragma('journal_size_limit', { simple: true }), 256 * 1024 * 1024);
});

test('columns are as designed: times are integers, required ones NOT NULL', (t) => {
  const { db } = freshDb(t);
  const cols = (table: string) => Object.fromEntries(all(db, `pragma table_info(${table})`).map((c) => [c.name, { type: c.type, notnull: c.notnull, pk: c.pk }]));
  assert.deepEqual(Object.keys(cols('tool_calls')).sort(), ['duration_ms', 'error_type', 'id', 'seq', 'session_id', 'status', 'timestamp', 'tool_name']);
  // Arrival order that never repeats (the id runs take calls by seq range); ids are kept by the runs, not by an index here.
  assert.deepEqual(cols('tool_calls').seq, { type: 'INTEGER', notnull: 1, pk: 1 });
  assert.match(String(all(db, "select sql from sqlite_master where name = 'tool_calls'")[0]?.sql), /AUTOINCREMENT/);
  assert.match(String(all(db, "select sql from sqlite_master where name = 'tool_call_ids'")[0]?.sql), /WITHOUT ROWID/);
  assert.deepEqual(cols('tool_calls').timestamp, { type: 'INTEGER', notnull: 1, pk: 0 });
  assert.equal(cols('tool_calls').error_type?.notnull, 0);
  assert.deepEqual(Object.keys(cols('sessions')).sort(), ['ended_at', 'error_count', 'exit_code', 'id', 'last_activity_at', 'output_lines', 'profile_id', 'project', 'started_at', 'status', 'tool_call_count', 'type', 'updated_at']);
  assert.equal(cols('sessions').started_at?.type, 'INTEGER');
  assert.equal(cols('profiles').id?.pk, 1);
  for (const table of TABLES) assert.ok(Object.keys(cols(table)).length > 0, table);
});

test('every foreign key has an index that starts with its column', (t) => {
  const { db } = freshDb(t);
  for (const table of TABLES) {
    const fks = all(db, `pragma foreign_key_list(${table})`);
    const indexes = all(db, `pragma index_list(${table})`).map((i) => all(db, `pragma index_info(${String(i.name)})`).map((c) => c.name));
    for (const fk of fks) {
      assert.ok(indexes.some((cols) => cols[0] === fk.from), `${table}.${String(fk.from)} has no index`);
    }
  }
  const toolIdx = all(db, 'pragma index_info(tool_calls_ts_tool_idx)').map((c) => c.name);
  assert.deepEqual(toolIdx.slice(0, 2), ['timestamp', 'tool_name']);
});

test('SQLite itself rejects a bad enum, a negative duration and a foreign-key violation', (t) => {
  const { db } = freshDb(t);
  const run = (sql: string) => () => db.$client.prepare(sql).run();
  run("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values ('s1', 'test', 'active', 1, 1, 1)")();
  assert.throws(run("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values ('s2', 'bogus', 'active', 1, 1, 1)"), /CHECK constraint failed/);
  assert.throws(run("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values ('s3', 'test', 'done', 1, 1, 1)"), /CHECK constraint failed/);
  assert.throws(run("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values ('t1', 's1', 'Read', 1, 'maybe', 1)"), /CHECK constraint failed/);
  assert.throws(run("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values ('t2', 's1', 'Read', -1, 'success', 1)"), /CHECK constraint failed/);
  assert.throws(run("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values ('t3', 'nope', 'Read', 1, 'success', 1)"), /FOREIGN KEY constraint failed/);
  assert.throws(run("insert into sessions (id, profile_id, type, status, started_at, updated_at, last_activity_at) values ('s4', 999, 'test', 'active', 1, 1, 1)"), /FOREIGN KEY constraint failed/);
  assert.throws(run("insert into api_keys (id, name, role, prefix, hash, created_at) values ('k', 'n', 'root', 'p', 'h', 1)"), /CHECK constraint failed/);
  assert.throws(run("insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, user_satisfaction, created_at) values ('p', 's1', 'e', 1, 1, 0, 9, 1)"), /CHECK constraint failed/);
  assert.throws(run("insert into profile_audit (profile_id, profile_name, action, changes, actor, at) values (1, 'n', 'rename', '{}', 'a', 1)"), /CHECK constraint failed/);
  assert.throws(run("insert into sessions (id, type, status, started_at, ended_at, updated_at, last_activity_at) values ('s5', 'test', 'completed', 10, 5, 1, 1)"), /CHECK constraint failed/);
  assert.throws(run("insert into profiles (name, created_at, updated_at) values ('', 1, 1)"), /CHECK constraint failed/);
});

test('deleting a session cascades to its tool calls, events and feature usage', (t) => {
  const { db } = freshDb(t);
  const exec = (sql: string) => db.$client.prepare(sql).run();
  exec("insert into sessions (id, type, status, started_at, updated_at, last_activity_at) values ('s1', 'agent', 'active', 1, 1, 1)");
  exec("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values ('t1', 's1', 'Read', 1, 'success', 1)");
  exec("insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, created_at) values ('p1', 's1', 'e', 2, 1, 1, 1)");
  exec("insert into feature_usage (id, session_id, feature_name, feature_category, started_at) values ('f1', 's1', 'f', 'c', 1)");
  exec("delete from sessions where id = 's1'");
  for (const table of ['tool_calls', 'productivity_events', 'feature_usage']) {
    assert.equal((db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n, 0, table);
  }
});

test('a second start applies nothing', (t) => {
  const { db, path } = freshDb(t);
  const applied = appliedMigrationCount(db);
  assert.equal(applied, readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length);
  closeDatabase(db);
  const again = openDatabase({ path });
  t.after(() => closeDatabase(again));
  const before = readFileSync(path);
  runMigrations(again);
  assert.equal(appliedMigrationCount(again), applied);
  assert.deepEqual(names(again, 'table'), TABLES);
  assert.ok(before.length > 0);
});

test('a failing migration changes nothing and says so', (t) => {
  const dir = tempDir(t);
  const folder = join(dir, 'migrations');
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'));
  for (const entry of journal.entries) copyFileSync(join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  const last = journal.entries[journal.entries.length - 1];
  journal.entries.push({ ...last, idx: last.idx + 1, tag: '9999_broken', when: last.when + 1 });
  writeFileSync(join(folder, '9999_broken.sql'), 'create table good_one (id integer);\n--> statement-breakpoint\ncreate tabel broken (;\n');
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));

  const db = openDatabase({ path: join(dir, 'broken.db') });
  t.after(() => closeDatabase(db));
  assert.throws(() => runMigrations(db, folder), (err: unknown) => err instanceof MigrationError && /nothing was changed/.test(err.message));
  assert.deepEqual(names(db, 'table'), [], 'no table from any migration was kept');
});
