import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import * as core from '../../../src/db/pg/schema/core.js';
import * as counts from '../../../src/db/pg/schema/counts.js';
import * as ids from '../../../src/db/pg/schema/ids.js';
import * as rollups from '../../../src/db/pg/schema/rollups.js';
import { PG_MIGRATIONS_FOLDER } from '../../../src/db/pg/migrate.js';

/**
 * `npm run db:generate:pg` would write nothing: the schema files drizzle.pg.config.ts lists
 * diffed against the newest snapshot in migrations/pg, with drizzle-kit's own differ (its API,
 * so the test writes no file). A schema change committed without its migration fails here.
 */

const CONFIG = readFileSync(new URL('../../../drizzle.pg.config.ts', import.meta.url), 'utf8');

function newestSnapshot(): Parameters<typeof generateMigration>[0] {
  const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ idx: number; tag: string }> };
  const last = journal.entries.at(-1);
  assert.ok(last, 'migrations/pg has migrations');
  return JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta', `${String(last.idx).padStart(4, '0')}_snapshot.json`), 'utf8'));
}

test('the schema drizzle-kit generates from equals the newest migration snapshot', async () => {
  const previous = newestSnapshot();
  const current = generateDrizzleJson({ ...core, ...counts, ...ids, ...rollups }, previous.id);
  assert.deepEqual(await generateMigration(previous, current), [], 'the PostgreSQL schema changed without a migration: npm run db:generate:pg -- --name …');
});

test('drizzle.pg.config.ts lists exactly the files this test diffs, and not the partitioned tables', () => {
  const listed = [...CONFIG.matchAll(/'\.\/src\/db\/pg\/schema\/([\w-]+)\.ts'/g)].map((m) => m[1]);
  assert.deepEqual(listed, ['core', 'counts', 'ids', 'rollups']);
  assert.doesNotMatch(CONFIG, /telemetry\.ts'/);
});
