import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { closeDatabase, openDatabase } from '../../../src/db/sqlite/client.js';
import { migrationStatus, readJournal, runMigrations } from '../../../src/db/sqlite/migrate.js';
import { migrationBackups } from '../../../src/db/sqlite/migration-backups.js';
import { openTestStore, tempDir } from '../../helper.js';
import { devflowOn } from '../../support/devflow-in-process.js';
import { migrationsUpTo } from '../migrations-up-to.js';

const devflow = (args: string[], dbPath: string) => devflowOn(dbPath, args);

/** A database with a session and some calls, closed. */
async function withData(t: TestContext, path: string, calls = 30): Promise<void> {
  const store = openTestStore(t, path);
  await store.sessions.create({ id: '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d', profile: null, type: 'agent', project: null, startedAt: 0, at: 0 });
  const drafts = Array.from({ length: calls }, (_, i) => ({ sessionId: '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d', toolName: 'Bash', durationMs: i, status: 'success' as const, errorType: null, timestamp: 1_700_000_000_000 + i }));
  await store.toolCalls.append(drafts, { allOrNothing: true });
  await store.close();
}

const count = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('select count(*) from tool_calls').pluck().get() as number;
  } finally {
    db.close();
  }
};

test('backup refuses, exit 2 and one line: an existing file without --force, a missing folder, no database, the database itself, no FILE', async (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'analytics.db');
  const target = join(dir, 'copy.db');
  const none = await devflow(['backup', target], db);
  assert.deepEqual(none, { code: 2, out: [], err: [`devflow: backup: no database at ${db} (DEVFLOW_DB_PATH)`] });
  assert.equal(existsSync(db), false, 'a missing database is not created');
  await withData(t, db);
  writeFileSync(target, 'precious');
  assert.deepEqual(await devflow(['backup', target], db), { code: 2, out: [], err: [`devflow: backup: ${target} already exists; pass --force to replace it`] });
  assert.equal(readFileSync(target, 'utf8'), 'precious');
  const nowhere = join(dir, 'missing', 'copy.db');
  assert.deepEqual((await devflow(['backup', nowhere], db)).err, [`devflow: backup: folder ${join(dir, 'missing')} does not exist; create it first`]);
  assert.deepEqual((await devflow(['backup', db, '--force'], db)).err, [`devflow: backup: ${db} is the database's own file; choose another FILE`]);
  assert.deepEqual((await devflow(['backup', dir], db)).err, [`devflow: backup: ${dir} is a folder; give a file name`]);
  assert.deepEqual((await devflow(['backup', target], ':memory:')).err, ['devflow: backup: DEVFLOW_DB_PATH is :memory:, there is no file to back up']);
  const usage = await devflow(['backup'], db);
  assert.deepEqual(usage, { code: 2, out: [], err: ['devflow: backup needs the FILE to write (see: devflow help backup)'] });
  assert.equal((await devflow(['backup', 'a', 'b'], db)).code, 2);
  assert.match((await devflow(['help', 'backup'], db)).out[0] ?? '', /devflow backup FILE \[--force\] \[--json\]/);

  const forced = await devflow(['backup', target, '--force', '--json'], db);
  assert.equal(forced.code, 0, forced.err.join('\n'));
  const result = JSON.parse(forced.out[0] ?? '{}') as { file: string; bytes: number; rows: { toolCalls: number; sessions: number } };
  assert.equal(result.file, target);
  assert.equal(result.bytes, statSync(target).size);
  assert.deepEqual(result.rows, { toolCalls: 30, sessions: 1, profiles: 0 });
  assert.equal(count(target), 30);
});

test('restore refuses, exit 2 and one line, changing nothing: a missing file, not SQLite, not DevFlow, damaged, newer, a -wal beside it, an open store', async (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'analytics.db');
  await withData(t, db, 10);
  const refused = async (file: string, why: RegExp) => {
    const run = await devflow(['restore', file], db);
    assert.equal(run.code, 2, run.err.join('\n'));
    assert.equal(run.err.length, 1);
    assert.match(run.err[0] ?? '', why);
    assert.deepEqual(run.out, []);
    assert.equal(count(db), 10, 'the database is untouched');
    assert.equal(existsSync(`${db}.restore-partial`), false);
  };
  await refused(join(dir, 'nope.db'), /^devflow: restore: no backup file at .*nope\.db$/);
  writeFileSync(join(dir, 'text.db'), 'not a database at all, just some text that is long enough to matter'.repeat(100));
  await refused(join(dir, 'text.db'), /^devflow: restore: refused: .*text\.db is not a readable SQLite database \(file is not a database\)$/);
  const plain = new Database(join(dir, 'plain.db'));
  plain.exec('create table t (x); insert into t values (1)');
  plain.close();
  await refused(join(dir, 'plain.db'), /^devflow: restore: refused: .*plain\.db is not a DevFlow database \(it has no applied migrations\)$/);

  const newer = join(dir, 'newer.db');
  assert.equal((await devflow(['backup', newer], db)).code, 0);
  const n = new Database(newer);
  n.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run('f'.repeat(64), (readJournal().at(-1)?.when ?? 0) + 1);
  n.close();
  await refused(newer, /^devflow: restore: refused: .*newer\.db was written by a newer DevFlow: its schema has migrations this build does not know \(this build's newest is \d{4}_\w+\); restore it with that version$/);

  const damaged = join(dir, 'damaged.db');
  assert.equal((await devflow(['backup', damaged], db)).code, 0);
  const bytes = readFileSync(damaged);
  // Overwrite the middle of every page after the first: b-tree pages the check walks.
  for (let page = 1; page < bytes.length / 4096; page++) bytes.fill(0x5a, page * 4096 + 200, page * 4096 + 3000);
  writeFileSync(damaged, bytes);
  await refused(damaged, /^devflow: restore: refused: .*damaged\.db is not a readable SQLite database \(database disk image is malformed\)$/);

  // Readable, but an index no longer matches its table (its definition changed under it): only integrity_check sees it.
  const skewed = join(dir, 'skewed.db');
  assert.equal((await devflow(['backup', skewed], db)).code, 0);
  const k = new Database(skewed);
  k.unsafeMode(true);
  k.pragma('writable_schema = ON');
  k.prepare("update sqlite_schema set sql = 'CREATE INDEX `tool_calls_session_ts_idx` ON `tool_calls` (`session_id`,`timestamp` DESC)' where name = 'tool_calls_session_ts_idx'").run();
  k.close();
  await refused(skewed, /^devflow: restore: refused: .*skewed\.db fails PRAGMA integrity_check: row \d+ missing from index tool_calls_session_ts_idx; /);

  const logged = join(dir, 'logged.db');
  assert.equal((await devflow(['backup', logged], db)).code, 0);
  writeFileSync(`${logged}-wal`, 'frames');
  await refused(logged, /^devflow: restore: refused: .*logged\.db has a write-ahead log beside it \(.*logged\.db-wal\): restore a file made by devflow backup, or open it once with sqlite3 to fold the log in$/);

  const good = join(dir, 'good.db');
  assert.equal((await devflow(['backup', good], db)).code, 0);
  const store = openTestStore(t, db);
  await refused(good, new RegExp(`^devflow: restore: refused: ${db} is open in a running DevFlow server or devflow command \\(it holds ${db}\\.lock\\); stop it first$`));
  await store.close();
  await refused(good.replace('good', 'missing'), /no backup file/);
  assert.deepEqual((await devflow(['restore', good], join(dir, 'gone', 'analytics.db'))).err, [`devflow: restore: folder ${join(dir, 'gone')} of DEVFLOW_DB_PATH does not exist`]);
  assert.deepEqual((await devflow(['restore', db], db)).err, [`devflow: restore: ${db} is the database itself`]);
  assert.deepEqual((await devflow(['restore'], db)).err, ['devflow: restore needs the backup FILE to restore (see: devflow help restore)']);
});

test('restore puts a backup in place: the old rows go, the backup\'s come, one private file; an older backup is migrated at the next open, after a backup of its own', async (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'analytics.db');
  await withData(t, db, 5);
  const copy = join(dir, 'five.db');
  assert.equal((await devflow(['backup', copy], db)).code, 0);
  await withData(t, db, 20); // now 25 calls
  assert.equal(count(db), 25);
  const run = await devflow(['restore', copy, '--json'], db);
  assert.equal(run.code, 0, run.err.join('\n'));
  const result = JSON.parse(run.out[0] ?? '{}') as { rows: { toolCalls: number }; pendingMigrations: number };
  assert.equal(result.rows.toolCalls, 5);
  assert.equal(result.pendingMigrations, 0);
  assert.equal(count(db), 5);
  assert.equal(statSync(db).mode & 0o777, 0o600);

  // A backup from an older version: restored as it is, migrated (and backed up) when the store opens it.
  const olderDir = join(dir, 'older');
  mkdirSync(olderDir);
  const older = join(olderDir, 'old.db');
  const o = openDatabase({ path: older });
  runMigrations(o, migrationsUpTo(olderDir, 28));
  o.$client.exec("insert into profiles (id, name, created_at, updated_at) values (1, 'alpha', 0, 0)");
  closeDatabase(o);
  const restored = await devflow(['restore', older], db);
  assert.equal(restored.code, 0, restored.err.join('\n'));
  assert.match(restored.out[0] ?? '', /0 tool calls, 0 sessions, 1 profiles, \d+\.\d s; the server applies 1 migration to it on its next start; the database it replaced is kept as \S+\.replaced-\S+ \(delete it once sure\)$/);
  const store = openTestStore(t, db, { backupsKeep: 3 });
  assert.equal(migrationStatus(store.sqlite.db.$client).pending.length, 0);
  assert.equal(migrationBackups(db).length, 1);
});
