import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { firstRejectedRow } from '../../../src/db/sqlite/restored-rows.js';
import { openTestStore, tempDir } from '../../helper.js';
import { devflowOn } from '../../support/devflow-in-process.js';

const devflow = (args: string[], dbPath: string) => devflowOn(dbPath, args);

const SESSION = '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d';

/** Edits a closed database file the way someone with the sqlite3 shell could. */
function edit(file: string, sql: string): void {
  const db = new Database(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

test('restore refuses a backup holding a row its row schema rejects (text where an integer belongs), naming the table, the row and the field; the database stays as it was', async (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'analytics.db');
  const store = openTestStore(t, db);
  await store.sessions.create({ id: SESSION, profile: null, type: 'agent', project: 'web', startedAt: 0, at: 0 });
  await store.close();

  const fine = join(dir, 'fine.db');
  assert.equal((await devflow(['backup', fine], db)).code, 0);
  const check = new Database(fine, { readonly: true });
  assert.equal(firstRejectedRow(check), null, 'rows the store wrote fit');
  check.close();

  const edited = join(dir, 'edited.db');
  assert.equal((await devflow(['backup', edited], db)).code, 0);
  // No CHECK guards exit_code, and SQLite's flexible typing keeps the text as text.
  edit(edited, `update sessions set exit_code = 'oops' where id = '${SESSION}'`);
  const run = await devflow(['restore', edited], db);
  assert.equal(run.code, 2, run.err.join('\n'));
  assert.deepEqual(run.err, [`devflow: restore: refused: ${edited} holds a row this build cannot serve: sessions row ${SESSION}: /exitCode Expected union value`]);

  // The live database is untouched: its session still reads back as written.
  const live = new Database(db, { readonly: true });
  assert.equal(live.prepare('select exit_code from sessions where id = ?').pluck().get(SESSION), null);
  live.close();

  // A profile row with a fractional time is caught the same way, before the sessions are read.
  const profiled = join(dir, 'profiled.db');
  assert.equal((await devflow(['backup', profiled], db)).code, 0);
  edit(profiled, "insert into profiles (name, enabled, auto_save, debug_mode, created_at, updated_at) values ('laptop', 1, 0, 0, 1.5, 2)");
  const p = new Database(profiled, { readonly: true });
  assert.equal(firstRejectedRow(p), 'profiles row 1: /createdAt Expected integer');
  p.close();

  assert.equal((await devflow(['restore', fine], db)).code, 0, 'a backup whose rows fit is restored');
});
