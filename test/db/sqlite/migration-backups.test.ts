import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { main } from '../../../src/cli/main.js';
import { closeDatabase, openDatabase } from '../../../src/db/sqlite/client.js';
import { MIGRATIONS_FOLDER, migrationStatus, readJournal, runMigrations } from '../../../src/db/sqlite/migrate.js';
import { migrationBackups } from '../../../src/db/sqlite/migration-backups.js';
import { openTestStore, tempDir } from '../../helper.js';
import { startServer } from '../../support/server-process.js';
import { migrationsUpTo } from '../migrations-up-to.js';

const CALLS = 500;
const OLDER = 28; // 0000–0027: the newest migration is pending
const PENDING_TAG = readJournal()[OLDER]!.tag;
const SESSION = '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d';

/** A database as an older DevFlow left it: OLDER migrations applied, a profile, a session and its calls. */
function olderDatabase(t: TestContext, withData = true): string {
  const dir = tempDir(t);
  const path = join(dir, 'analytics.db');
  const db = openDatabase({ path });
  runMigrations(db, migrationsUpTo(dir, OLDER));
  if (withData) {
    const s = db.$client;
    s.exec("insert into profiles (id, name, created_at, updated_at) values (1, 'alpha', 0, 0)");
    s.exec(`insert into sessions (id, profile_id, type, status, project, started_at, updated_at, last_activity_at) values ('${SESSION}', 1, 'agent', 'active', 'web', 0, 0, 0)`);
    const insert = s.prepare(`insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (?, '${SESSION}', 'Bash', ?, 'success', ?)`);
    s.transaction(() => {
      for (let i = 0; i < CALLS; i++) insert.run(`0193a0b2-7c1e-7d7a-9f6e-${String(i).padStart(12, '0')}`, i, 1_700_000_000_000 + i);
    })();
  }
  closeDatabase(db);
  return path;
}

const inDir = (path: string) => readdirSync(join(path, '..')).filter((name) => name.startsWith(`${basename(path)}.backup-`)).sort();

test('before migrating a database that holds data the store writes a backup beside it: whole, at the old migration, logged', (t) => {
  const path = olderDatabase(t);
  const logged: Array<{ obj: object; msg?: string }> = [];
  const log = { warn: () => undefined, error: () => undefined, info: (obj: object, msg?: string) => void logged.push({ obj, msg }) };
  const store = openTestStore(t, path, { backupsKeep: 3, log });
  const [file, ...more] = migrationBackups(path);
  assert.ok(file, 'a backup was written');
  assert.deepEqual(more, []);
  assert.match(basename(file), new RegExp(`^analytics\\.db\\.backup-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-\\d{3}Z-before-${PENDING_TAG}$`));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const copy = new Database(file, { readonly: true });
  t.after(() => copy.close());
  assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
  assert.equal(copy.prepare('select count(*) from tool_calls').pluck().get(), CALLS, 'every row is in the backup');
  assert.equal(copy.prepare('select count(*) from sessions').pluck().get(), 1);
  const status = migrationStatus(copy);
  assert.equal(status.applied, OLDER, 'the backup is the database before the migration');
  assert.deepEqual(status.pending.map((m) => m.tag), [PENDING_TAG]);
  assert.equal(migrationStatus(store.sqlite.db.$client).pending.length, 0, 'and the live one is migrated');
  assert.equal(logged.length, 3, 'the backup, then the migration as it starts and as it ends');
  assert.equal(logged[0]!.msg, `database backed up to ${file} before migrating`);
  assert.deepEqual(logged[0]!.obj, { backup: file, bytes: statSync(file).size, before: PENDING_TAG });
  assert.equal(logged[1]!.msg, 'applying 1 pending migration in one transaction (over big tables this can take minutes)');
  assert.match(logged[2]!.msg ?? '', /^applied 1 pending migration in \d+\.\d s$/);
});

test('only the newest DEVFLOW_BACKUPS_KEEP backups before migrations are kept; other files are left alone', (t) => {
  const path = olderDatabase(t);
  const old = ['2020-01-01T00-00-00-000Z-before-0001_a', '2021-01-01T00-00-00-000Z-before-0002_b', '2022-01-01T00-00-00-000Z-before-0003_c'];
  for (const stamp of old) writeFileSync(`${path}.backup-${stamp}`, 'old');
  writeFileSync(`${path}.backup-mine`, 'the operator\'s own');
  openTestStore(t, path, { backupsKeep: 2 });
  const kept = migrationBackups(path);
  assert.equal(kept.length, 2);
  assert.equal(kept[0], `${path}.backup-${old[2]}`, 'the newest older one stays');
  assert.match(kept[1]!, new RegExp(`-before-${PENDING_TAG}$`), 'with the new one');
  assert.ok(inDir(path).includes('analytics.db.backup-mine'), 'a file not named like ours is never removed');
});

test('DEVFLOW_BACKUPS_KEEP=0 writes none; nor does a brand-new database, one without data, one already up to date, or :memory:', async (t) => {
  const off = olderDatabase(t);
  openTestStore(t, off, { backupsKeep: 0 });
  assert.deepEqual(inDir(off), []);
  const migrated = new Database(off, { readonly: true });
  t.after(() => migrated.close());
  assert.equal(migrationStatus(migrated).pending.length, 0, 'migrated all the same');

  const empty = olderDatabase(t, false);
  openTestStore(t, empty, { backupsKeep: 3 });
  assert.deepEqual(inDir(empty), []);

  const fresh = join(tempDir(t), 'analytics.db');
  const first = openTestStore(t, fresh, { backupsKeep: 3 });
  await first.apiKeys.insert({ id: '0193a0b2-7c1e-7d7a-9f6e-000000000001', name: 'k', role: 'admin', prefix: 'dfa_x', hash: 'h', createdAt: 0, lastUsedAt: null, expiresAt: null, revokedAt: null });
  await first.close();
  openTestStore(t, fresh, { backupsKeep: 3 });
  assert.deepEqual(inDir(fresh), [], 'no pending migration, no backup');

  openTestStore(t, ':memory:', { backupsKeep: 3 });
});

test('devflow migrate backs up first and says where; DEVFLOW_BACKUPS_KEEP is read from the environment', async (t) => {
  const path = olderDatabase(t);
  const out: string[] = [];
  const io = { env: { DEVFLOW_DB_PATH: path, DEVFLOW_BACKUPS_KEEP: '1' }, out: (l: string) => void out.push(l), err: (l: string) => void out.push(l) };
  assert.equal(await main(['migrate'], io), 0, out.join('\n'));
  const [file] = migrationBackups(path);
  assert.ok(file);
  assert.equal(out.length, 4, out.join('\n'));
  assert.deepEqual([out[0], out[1], out[3]], [
    `devflow: database backed up to ${file} before migrating`,
    'devflow: applying 1 pending migration in one transaction (over big tables this can take minutes)',
    `${path}: applied 1 migration; ${OLDER + 1} in total, up to date`,
  ]);
  assert.match(out[2] ?? '', /^devflow: applied 1 pending migration in \d+\.\d s$/);
  const copy = new Database(file, { readonly: true });
  t.after(() => copy.close());
  assert.equal(copy.prepare('select count(*) from tool_calls').pluck().get(), CALLS);
});

test('a backup that cannot be written stops the migration and says how to go on', (t) => {
  const path = olderDatabase(t);
  // A folder where the copy is written makes VACUUM INTO fail, as a full disk would.
  const db = openDatabase({ path });
  t.after(() => closeDatabase(db));
  const at = Date.parse('2030-01-01T00:00:00.000Z');
  const blocked = `${path}.backup-2030-01-01T00-00-00-000Z-before-${PENDING_TAG}.partial`;
  mkdirSync(blocked);
  assert.throws(
    () => runMigrations(db, MIGRATIONS_FOLDER, { keep: 3, now: () => at }),
    /^Error: cannot back up .*analytics\.db before migrating \(.*\); free disk space, or set DEVFLOW_BACKUPS_KEEP=0 to migrate without a backup$/,
  );
  assert.equal(migrationStatus(db.$client).pending.length, 1, 'nothing was migrated');
});

test('a server started on a database at an older migration backs it up first and logs where, once', { timeout: 60_000 }, async (t) => {
  const path = olderDatabase(t);
  const server = await startServer({ DEVFLOW_DB_PATH: path, DEVFLOW_ADMIN_KEY: 'dfa_migration_backup_admin_key_00', DEVFLOW_BACKUPS_KEEP: '2' });
  t.after(() => server.child.kill('SIGKILL'));
  const [file, ...more] = migrationBackups(path);
  assert.ok(file);
  assert.deepEqual(more, []);
  const lines = server.output().split('\n').filter((line) => line.includes('before migrating'));
  assert.equal(lines.length, 1, server.output());
  const entry = JSON.parse(lines[0]!) as { level: number; msg: string; backup: string; before: string };
  assert.equal(entry.level, 30, 'info');
  assert.equal(entry.msg, `database backed up to ${file} before migrating`);
  assert.equal(entry.before, PENDING_TAG);
  const copy = new Database(file, { readonly: true });
  t.after(() => copy.close());
  assert.equal(copy.prepare('select count(*) from tool_calls').pluck().get(), CALLS);
});

test('half-written copies a killed start left are removed at the next backup; one still being written is not', (t) => {
  const path = olderDatabase(t);
  const left = `${path}.backup-2030-01-01T00-00-00-000Z-before-${PENDING_TAG}.partial`;
  const writing = `${path}.backup-2030-01-01T00-01-00-000Z-before-${PENDING_TAG}.partial`;
  writeFileSync(left, 'killed half way');
  writeFileSync(writing, 'being written');
  const anHourAgo = (Date.now() - 3_600_000) / 1000;
  utimesSync(left, anHourAgo, anHourAgo);
  openTestStore(t, path, { backupsKeep: 3 });
  assert.equal(existsSync(left), false, 'the stale partial copy is gone');
  assert.equal(existsSync(writing), true, 'a copy written to a moment ago may be another start\'s');
  assert.equal(migrationBackups(path).length, 1, 'and the backup itself was written');
});
