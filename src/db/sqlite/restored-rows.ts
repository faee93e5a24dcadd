import type { TObject } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type Database from 'better-sqlite3';
import { asc, gt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { getTableConfig } from 'drizzle-orm/sqlite-core';
import { DevProfilesRowSchema, DevSessionsRowSchema } from '../row-types.js';
import { profiles, sessions } from './schema/core.js';

const PAGE = 1000;

/** The tables whose rows a restore checks, each against its row schema (src/db/row-types.ts). */
const CHECKED: Array<{ table: typeof profiles | typeof sessions; schema: TObject }> = [
  { table: profiles, schema: DevProfilesRowSchema },
  { table: sessions, schema: DevSessionsRowSchema },
];

/**
 * The first row of a restored backup that its row schema rejects, worded for the operator
 * (`sessions row 0190…: /type …`), or null when every row fits.
 *
 * A backup comes from outside the running service: another build, a copy edited with sqlite3, a
 * file from someone else. SQLite's flexible typing would keep text in an integer column, and the
 * API would then answer with values its own schema forbids. Rows are read through Drizzle, so
 * they are checked in the shape the store hands out, and streamed, so a large table costs time,
 * not memory (pages of PAGE rows in key order). Only a backup of this build's schema is checked: an older one's rows have the
 * columns of their own version until the migrations run.
 */
export function firstRejectedRow(db: Database.Database): string | null {
  const orm = drizzle(db);
  for (const { table, schema } of CHECKED) {
    const check = TypeCompiler.Compile(schema);
    for (let after: number | string | null = null; ; ) {
      const rows: Array<{ id: number | string }> = orm
        .select()
        .from(table)
        .where(after === null ? undefined : gt(table.id, after))
        .orderBy(asc(table.id))
        .limit(PAGE)
        .all();
      for (const row of rows) {
        // Check is a type guard: asked about a copy, it leaves row's own type alone.
        const value: unknown = row;
        if (check.Check(value)) continue;
        const error = check.Errors(value).First();
        return `${getTableConfig(table).name} row ${String(row.id)}: ${error?.path || '/'} ${error?.message ?? 'does not fit the row schema'}`;
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.id;
    }
  }
  return null;
}
