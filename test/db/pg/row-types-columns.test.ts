import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import { getTableColumns } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { createSelectSchema } from 'drizzle-typebox';
import { profiles, sessions } from '../../../src/db/pg/schema/core.js';
import { DEV_SESSION_STATUSES, DEV_SESSION_TYPES, DevProfilesRowSchema, DevSessionsRowSchema } from '../../../src/db/row-types.js';
import { freshPgDatabase } from '../../support/pg.js';

/**
 * src/db/row-types.ts describes the stored profiles and sessions of every engine (derived from
 * the SQLite tables). The PostgreSQL tables must hold the same rows: the same properties, each
 * of the same kind and nullability (the bounds may be narrower: a uuid is a string, an
 * integer profile id is a safe integer), and the same session type and status lists.
 */

const TABLES = [
  { name: 'profiles', table: profiles as PgTable, rowSchema: DevProfilesRowSchema },
  { name: 'sessions', table: sessions as PgTable, rowSchema: DevSessionsRowSchema },
];

/** A property schema without its bounds and formats: its type, its constants, whether null is allowed. */
function kind(schema: TSchema): unknown {
  const options = (schema.anyOf as TSchema[] | undefined) ?? [schema];
  return options.map((o) => ({ type: o.type, const: o.const })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

test('the PostgreSQL profiles and sessions tables have the row schemas’ properties, each of the same kind and nullability', () => {
  for (const { name, table, rowSchema } of TABLES) {
    const pgSchema = createSelectSchema(table);
    assert.deepEqual(Object.keys(pgSchema.properties).sort(), Object.keys(rowSchema.properties).sort(), name);
    for (const [property, schema] of Object.entries(rowSchema.properties)) {
      assert.deepEqual(kind((pgSchema.properties as Record<string, TSchema>)[property]!), kind(schema as TSchema), `${name}.${property}`);
    }
  }
});

test('the migrated database has those columns, and its sessions CHECKs the row types’ lists', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const pool = fresh.pool();
  for (const { name, table, rowSchema } of TABLES) {
    const columns = getTableColumns(table);
    const expected = Object.keys(rowSchema.properties).map((property) => columns[property]?.name).sort();
    const stored = await pool.query<{ column_name: string }>("select column_name from information_schema.columns where table_schema = 'public' and table_name = $1", [name]);
    assert.deepEqual(stored.rows.map((r) => r.column_name).sort(), expected, name);
  }
  const listOf = async (constraint: string) => {
    const { rows } = await pool.query<{ def: string }>("select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'sessions'::regclass and conname = $1", [constraint]);
    assert.ok(rows[0], `no constraint ${constraint}`);
    return [...rows[0].def.matchAll(/'([^']*)'::text/g)].map((m) => m[1]);
  };
  assert.deepEqual(await listOf('sessions_type_ck'), [...DEV_SESSION_TYPES]);
  assert.deepEqual(await listOf('sessions_status_ck'), [...DEV_SESSION_STATUSES]);
});
