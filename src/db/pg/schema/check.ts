import { sql } from 'drizzle-orm';

/**
 * A CHECK that a text column holds one of a closed set of values. The values are the code's
 * own constants (src/lib/vocabulary.ts, src/db/row-types.ts), never user input, so writing them
 * as literals is safe; PostgreSQL stores the check as `col = ANY (ARRAY[...])`.
 */
export const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')})`);

/** A closed list as the non-empty tuple Drizzle's `text(…, { enum })` wants, for typed columns. */
export function enumOf<T extends string>(values: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = values;
  if (first === undefined) throw new Error('an enum needs at least one value');
  return [first, ...rest];
}
