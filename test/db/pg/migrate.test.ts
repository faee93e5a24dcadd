import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { migratePg, PG_MIGRATIONS_FOLDER, PgMigrationError } from '../../../src/db/pg/migrate.js';
import { tempDir } from '../../helper.js';
import { freshPgDatabase } from '../../support/pg.js';

type Journal = { entries: Array<{ idx: number; tag: string; when: number }> };
const journal = () => JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as Journal;

/** Every table and partitioned table outside the catalogs, partitions left out. */
const TABLES = [
  'api_keys', 'feature_usage', 'feature_usage_ids', 'leases', 'productivity_event_ids', 'productivity_events', 'profile_audit', 'profiles',
  'retention_runs', 'row_count_deltas', 'row_counts', 'sessions', 'settings', 'tool_call_ids', 'tool_call_rollup_deltas',
  'tool_call_slot_rollups', 'tool_call_summaries', 'tool_calls',
];

test('four migrators starting at once on a fresh database: all succeed, each migration is applied once', async (t) => {
  const fresh = await freshPgDatabase(t, { migrated: false });
  if (!fresh) return;
  const applied = await Promise.all(Array.from({ length: 4 }, (_, i) => migratePg({ url: fresh.url, applicationName: `replica-${i}` })));
  const migrations = journal().entries.length;
  assert.deepEqual([...applied].sort((a, b) => b - a), [migrations, 0, 0, 0], 'one applied them all, the others found nothing pending');

  const pool = fresh.pool();
  const rows = (await pool.query<{ hash: string; created_at: number }>('select hash, created_at from drizzle.__drizzle_migrations order by id')).rows;
  assert.deepEqual(rows.map((r) => r.created_at), journal().entries.map((e) => e.when), 'each migration recorded once, in order');
  assert.equal(new Set(rows.map((r) => r.hash)).size, migrations);
  const tables = await pool.query<{ relname: string }>(
    "select relname from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') and not relispartition order by relname",
  );
  assert.deepEqual(tables.rows.map((r) => r.relname), TABLES);
  const fn = await pool.query("select 1 from pg_proc where proname = 'devflow_ensure_partitions'");
  assert.equal(fn.rowCount, 1);
  assert.equal(await migratePg({ url: fresh.url }), 0, 'a later start applies nothing');
});

test('a failing migration changes nothing and says so; the lock is released for the next migrator', async (t) => {
  const fresh = await freshPgDatabase(t, { migrated: false });
  if (!fresh) return;
  const folder = join(tempDir(t), 'migrations');
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const broken = journal();
  for (const entry of broken.entries) copyFileSync(join(PG_MIGRATIONS_FOLDER, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  const last = broken.entries.at(-1)!;
  broken.entries.push({ ...last, idx: last.idx + 1, tag: '9999_broken', when: last.when + 1 });
  writeFileSync(join(folder, '9999_broken.sql'), 'create table good_one (id integer);\n--> statement-breakpoint\ncreate tabel broken (;\n');
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(broken));

  await assert.rejects(migratePg({ url: fresh.url, migrationsFolder: folder }), (err: unknown) => err instanceof PgMigrationError && /^database migration failed, nothing was changed: .*syntax error/.test(err.message));
  const pool = fresh.pool();
  const tables = await pool.query("select 1 from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p')");
  assert.equal(tables.rowCount, 0, 'no table from any migration was kept');
  assert.equal(await migratePg({ url: fresh.url }), journal().entries.length, 'the next migrator got the lock and applied the good ones');
});
