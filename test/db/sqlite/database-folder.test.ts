import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeDatabase, openDatabase } from '../../../src/db/sqlite/client.js';
import { DatabasePathError, databaseFileExists, ensureDatabaseFolder } from '../../../src/db/sqlite/database-folder.js';
import { tempDir } from '../../helper.js';

// The /proc case (Node's recursive mkdir looping for ever) runs in child processes only
// (test/process/startup-errors.test.ts, test/cli.test.ts): a regression here would hang this file.

function refusal(fn: () => unknown): DatabasePathError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DatabasePathError) return err;
    throw err;
  }
  throw new Error('expected a DatabasePathError');
}

test('missing folders are made one level at a time, private (0700); existing ones are left as they are', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'a', 'b', 'c', 'analytics.db');
  ensureDatabaseFolder(path);
  for (const folder of ['a', 'a/b', 'a/b/c']) assert.equal(statSync(join(dir, folder)).mode & 0o777, 0o700, folder);
  ensureDatabaseFolder(path);
  const db = openDatabase({ path });
  closeDatabase(db);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.ok(databaseFileExists(path));
  assert.ok(!databaseFileExists(join(dir, 'other.db')));
  assert.ok(databaseFileExists(':memory:'));
});

test('a file where a folder should be, or a folder where the file should be, is refused with the path and why', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'plain');
  writeFileSync(file, 'x');
  for (const path of [join(file, 'a.db'), join(file, 'deeper', 'still', 'a.db')]) {
    const err = refusal(() => openDatabase({ path }));
    assert.equal(err.path, path);
    assert.equal(err.message, `${path} is not usable: ${file} is a file, not a folder`);
  }
  mkdirSync(join(dir, 'folder.db'));
  assert.equal(refusal(() => ensureDatabaseFolder(join(dir, 'folder.db'))).reason, 'it is a folder; give the path of a file in it');
});

test('a file SQLite cannot create is a DatabasePathError, not SQLite\'s bare "unable to open database file"', () => {
  // procfs takes no new files, whoever asks (root included).
  const err = refusal(() => openDatabase({ path: '/proc/self/a.db' }));
  assert.equal(err.path, '/proc/self/a.db');
  assert.match(err.reason, /^(the folder \/proc\/self is not writable|SQLite cannot open it \(unable to open database file\))$/);
});
