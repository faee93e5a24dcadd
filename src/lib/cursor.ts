import { invalid } from './app-error.js';

/**
 * Opaque keyset cursors: the sort key of the last row returned, base64url JSON. Keyset (not
 * offset) pagination stays stable while rows are inserted between pages.
 */
export type CursorKey = Array<string | number>;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor whose parts must have the given types; anything else is a 400. */
export function decodeCursor(cursor: string, shape: Array<'string' | 'number'>): CursorKey {
  const fail = () => invalid('cursor is not valid for this list', [{ path: '/cursor', message: 'invalid cursor' }]);
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw fail();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw fail();
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length) throw fail();
  parsed.forEach((part, i) => {
    const want = shape[i];
    if (want === 'number' ? !Number.isSafeInteger(part) : typeof part !== 'string') throw fail();
  });
  return parsed as CursorKey;
}

/** Takes limit+1 rows, returns the page and the cursor of its last row when more follow. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const pageRows = rows.slice(0, limit);
  return { rows: pageRows, nextCursor: encodeCursor(keyOf(pageRows[pageRows.length - 1] as T)) };
}
