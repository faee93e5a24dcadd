import { and, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client.js';

type NewestFirst = {
  table: SQLiteTable;
  /** The time column the list is ordered by (newest first); the id breaks ties. */
  time: SQLiteColumn;
  id: SQLiteColumn;
  conditions: Array<SQL | undefined>;
  after?: [number, string];
  limit: number;
};

/**
 * One page of a newest-first list, keyset-paginated on (time, id): stable while rows are
 * inserted, since a page starts strictly after the last row the client saw.
 */
export function listNewestFirst<Row>(db: Db, spec: NewestFirst): Row[] {
  const conditions = [...spec.conditions];
  if (spec.after) {
    const [at, id] = spec.after;
    conditions.push(or(lt(spec.time, at), and(eq(spec.time, at), lt(spec.id, id))));
  }
  return db
    .select()
    .from(spec.table)
    .where(and(...conditions))
    .orderBy(desc(spec.time), desc(spec.id))
    .limit(spec.limit)
    .all() as Row[];
}

/** from (inclusive) and to (exclusive) on a time column, as conditions. */
export function timeRange(column: SQLiteColumn, q: { from?: number; to?: number }): Array<SQL | undefined> {
  return [q.from === undefined ? undefined : gte(column, q.from), q.to === undefined ? undefined : lt(column, q.to)];
}
