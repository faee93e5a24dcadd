import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeDatabase, openDatabase } from '../../../src/db/sqlite/client.js';
import { freePageCount, pageCount } from '../../../src/db/sqlite/maintenance.js';
import { sliceRunner } from '../../../src/db/sqlite/retention/slice-runner.js';
import { reclaimSpace } from '../../../src/db/sqlite/retention/vacuum.js';
import { tempDir } from '../../helper.js';

test('incremental vacuum also returns pages freed while it runs (as the id upkeep frees them after a large delete)', async (t) => {
  const db = openDatabase({ path: join(tempDir(t), 'vacuum.db') });
  t.after(() => closeDatabase(db));
  const sql = db.$client;
  sql.exec('create table junk (n integer primary key, pad blob)');
  const fill = sql.prepare('insert into junk (n, pad) values (?, randomblob(3000))');
  sql.transaction(() => {
    for (let n = 0; n < 6000; n++) fill.run(n);
  })();
  sql.prepare('delete from junk where n < 2000').run();
  const freedFirst = freePageCount(db);
  assert.ok(freedFirst > 1500, `the delete freed ${freedFirst} pages`);

  // Between vacuum slices, another writer frees more pages than the first slices give back.
  let next = 2000;
  const freeMore = async () => {
    if (next < 3500) sql.prepare('delete from junk where n >= ? and n < ?').run(next, (next += 250));
  };
  const ctx = sliceRunner({ db, context: { holder: 'test', signal: new AbortController().signal, now: () => 0 }, pause: freeMore, sessionsDeleted: () => undefined });
  const before = pageCount(db);
  assert.equal(await reclaimSpace(ctx, 'incremental', ':memory:'), null);
  assert.ok(next > 2000, 'pages were freed while the vacuum ran');
  assert.equal(freePageCount(db), 0, 'every free page went back to the file system');
  assert.ok(pageCount(db) < before - freedFirst - 1200, `the file shrank from ${before} to ${pageCount(db)} pages`);
});
