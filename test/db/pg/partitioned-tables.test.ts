import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getTableName } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { PARTITIONED } from '../../../src/db/pg/schema/telemetry.js';
import { freshPgDatabase } from '../../support/pg.js';

/**
 * The partitioned tables are made by hand-written SQL (migrations/pg/0001) and queried through
 * Drizzle definitions (src/db/pg/schema/telemetry.ts) that drizzle-kit never sees: this holds
 * the two to the same columns (names, order, types, nullability, defaults), partition key,
 * indexes, CHECK names and foreign keys, read from the migrated database's catalog.
 */

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

async function catalog(pool: pg.Pool, table: string) {
  const q = async <R extends Record<string, unknown>>(text: string) => (await pool.query<R>(text, [table])).rows;
  const columns = await q<{ name: string; type: string; nullable: string; default: string | null }>(
    "select column_name as name, data_type as type, is_nullable as nullable, column_default as default from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position",
  );
  const [partition] = await q<{ strategy: string; key: string }>(
    'select p.partstrat as strategy, a.attname as key from pg_partitioned_table p join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0] where p.partrelid = $1::regclass',
  );
  const indexes = await q<{ name: string; columns: string[]; unique: boolean }>(
    `select c.relname as name, array_agg(a.attname::text order by k.ord) as columns, i.indisunique as unique
       from pg_index i join pg_class c on c.oid = i.indexrelid
       cross join unnest(i.indkey) with ordinality k(attnum, ord) join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where i.indrelid = $1::regclass group by c.relname, i.indisunique order by c.relname`,
  );
  const checks = await q<{ name: string }>("select conname as name from pg_constraint where conrelid = $1::regclass and contype = 'c' order by conname");
  const foreignKeys = await q<{ name: string; columns: string[]; target: string; targetColumns: string[]; onDelete: string }>(
    `select conname as name,
            (select array_agg(attname::text order by k.ord) from unnest(conkey) with ordinality k(n, ord) join pg_attribute on attrelid = conrelid and attnum = k.n) as columns,
            confrelid::regclass::text as target,
            (select array_agg(attname::text order by k.ord) from unnest(confkey) with ordinality k(n, ord) join pg_attribute on attrelid = confrelid and attnum = k.n) as "targetColumns",
            confdeltype as "onDelete"
       from pg_constraint where conrelid = $1::regclass and contype = 'f' order by conname`,
  );
  return { columns, partition, indexes: indexes.sort(byName), checks: checks.sort(byName), foreignKeys };
}

/** The same facts from the Drizzle definition. */
function declared(entry: (typeof PARTITIONED)[number]) {
  const config = getTableConfig(entry.table);
  return {
    columns: config.columns.map((c) => ({ name: c.name, type: c.getSQLType(), nullable: c.notNull ? 'NO' : 'YES', default: c.hasDefault ? 'set' : null })),
    partition: { strategy: 'r', key: entry.key.name },
    indexes: config.indexes
      .map((i) => ({ name: i.config.name ?? '', columns: i.config.columns.map((c) => (c as { name: string }).name), unique: i.config.unique }))
      .sort(byName),
    checks: config.checks.map((c) => ({ name: c.name })).sort(byName),
    foreignKeys: config.foreignKeys.map((fk) => {
      const ref = fk.reference();
      const onDelete = { cascade: 'c', 'no action': 'a', restrict: 'r', 'set null': 'n', 'set default': 'd' }[fk.onDelete ?? 'no action'];
      return { name: fk.getName(), columns: ref.columns.map((c) => c.name), target: getTableName(ref.foreignTable), targetColumns: ref.foreignColumns.map((c) => c.name), onDelete };
    }),
  };
}

test('each partitioned table in the database is what its Drizzle definition says', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const pool = fresh.pool();
  for (const entry of PARTITIONED) {
    const name = getTableName(entry.table);
    const found = await catalog(pool, name);
    const expected = declared(entry);
    assert.deepEqual({ ...found, columns: found.columns.map((c) => ({ ...c, default: c.default === null ? null : 'set' })) }, expected, name);
    assert.ok(expected.indexes.length >= 3 && expected.checks.length >= 1 && expected.foreignKeys.length === 1, `${name} declares its indexes, checks and key`);
  }
});

test('every partition, the default one included, carries the parent’s indexes and foreign key', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const pool = fresh.pool();
  for (const entry of PARTITIONED) {
    const name = getTableName(entry.table);
    const { rows } = await pool.query<{ partition: string; indexes: number; fks: number }>(
      `select c.relname as partition,
              (select count(*)::int from pg_index i where i.indrelid = c.oid) as indexes,
              (select count(*)::int from pg_constraint k where k.conrelid = c.oid and k.contype = 'f') as fks
         from pg_inherits h join pg_class c on c.oid = h.inhrelid where h.inhparent = $1::regclass order by c.relname`,
      [name],
    );
    assert.ok(rows.some((r) => r.partition === `${name}_default`), `${name} has a default partition`);
    assert.ok(rows.filter((r) => /_w\d{8}$/.test(r.partition)).length >= 5, `${name} has the weeks around now`);
    for (const row of rows) assert.deepEqual([row.indexes, row.fks], [declared(entry).indexes.length, 1], row.partition);
  }
});
