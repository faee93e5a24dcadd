import { and, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { PgDb } from './client.js';

type NewestFirst = {
  table: PgTable;
  /** The time column the list is ordered by (newest first); the id breaks ties. */
  time: PgColumn;
  id: PgColumn;
  conditions: Array<SQL | undefined>;
  after?: [number, string];
  limit: number;
};

/**
 * One page of a newest-first list, keyset-paginated on (time, id), as the SQLite engine's
 * listNewestFirst: a page starts strictly after the last row the client saw, so it stays stable
 * while rows are inserted. The order matches a (time, id) index scanned backwards.
 */
export async function listNewestFirst<Row>(db: PgDb, spec: NewestFirst): Promise<Row[]> {
  const conditions = [...spec.conditions];
  if (spec.after) {
    const [at, id] = spec.after;
    conditions.push(or(lt(spec.time, at), and(eq(spec.time, at), lt(spec.id, id))));
  }
  const rows = await db
    .select()
    .from(spec.table)
    .where(and(...conditions))
    .orderBy(desc(spec.time), desc(spec.id))
    .limit(spec.limit);
  return rows as Row[];
}

/** from (inclusive) and to (exclusive) on a time column, as conditions. */
export function timeRange(column: PgColumn, q: { from?: number; to?: number }): Array<SQL | undefined> {
  return [q.from === undefined ? undefined : gte(column, q.from), q.to === undefined ? undefined : lt(column, q.to)];
}
