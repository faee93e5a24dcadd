import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/sqlite/client.js';
import { decodeCursor, page } from '../lib/cursor.js';

type NewestFirst<Row> = {
  table: SQLiteTable;
  /** The time column the list is ordered by (newest first); the id breaks ties. */
  time: SQLiteColumn;
  id: SQLiteColumn;
  timeOf: (row: Row) => number;
  idOf: (row: Row) => string;
  conditions: Array<SQL | undefined>;
  cursor?: string;
  limit: number;
};

/**
 * One page of a newest-first list, keyset-paginated on (time, id): stable while rows are
 * inserted, since a page starts strictly after the last row the client saw.
 */
export function listNewestFirst<Row>(db: Db, spec: NewestFirst<Row>): { rows: Row[]; nextCursor: string | null } {
  const conditions = [...spec.conditions];
  if (spec.cursor) {
    const [at, id] = decodeCursor(spec.cursor, ['number', 'string']) as [number, string];
    conditions.push(or(lt(spec.time, at), and(eq(spec.time, at), lt(spec.id, id))));
  }
  const rows = db
    .select()
    .from(spec.table)
    .where(and(...conditions))
    .orderBy(desc(spec.time), desc(spec.id))
    .limit(spec.limit + 1)
    .all() as Row[];
  return page(rows, spec.limit, (r) => [spec.timeOf(r), spec.idOf(r)]);
}
