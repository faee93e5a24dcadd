import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeDatabase, openDatabase } from '../../../src/db/sqlite/client.js';
import { MIGRATIONS_FOLDER, runMigrations } from '../../../src/db/sqlite/migrate.js';
import { levelOf } from '../../../src/db/sqlite/tool-call-id-cut.js';
import { tempDir } from '../../helper.js';
import { migrationsUpTo } from '../migrations-up-to.js';

test('runs filed under the old size classes (16384 × 4^level) take the level the store now gives their size', (t) => {
  const dir = tempDir(t);
  const db = openDatabase({ path: join(dir, 'runs.db') });
  t.after(() => closeDatabase(db));
  runMigrations(db, migrationsUpTo(dir, 28)); // 0000–0027
  const s = db.$client;
  const sizes = [1, 65_535, 65_536, 300_000, 524_287, 524_288, 1_048_576, 4_194_303, 4_194_304, 40_000_000, 300_000_000];
  const add = s.prepare('insert into tool_call_id_runs (run, level, first_seq, last_seq, ids, dead) values (?, ?, ?, ?, ?, 0)');
  // The old classes: < 65536 level 0, < 262144 level 1, < 1048576 level 2, … (migration 0018).
  sizes.forEach((ids, i) => add.run(i + 1, Math.min(6, ids < 65_536 ? 0 : Math.floor(Math.log(ids / 16_384) / Math.log(4))), i * 1e9 + 1, i * 1e9 + ids, ids));
  runMigrations(db, MIGRATIONS_FOLDER);
  const levels = s.prepare('select ids, level from tool_call_id_runs order by run').all() as Array<{ ids: number; level: number }>;
  assert.deepEqual(levels.map((r) => r.level), sizes.map((ids) => levelOf(ids)));
  assert.deepEqual(levels.map((r) => r.level), [0, 0, 0, 0, 0, 1, 1, 1, 2, 3, 4]);
});
