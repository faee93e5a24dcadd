import { eq, gte, lt, lte, or, type Column, type SQL } from 'drizzle-orm';
import type { Keyset, SessionFilter } from './store.js';

type SessionColumns = { profileId: Column; type: Column; status: Column; project: Column; startedAt: Column; id: Column };

/**
 * The WHERE of a sessions page, newest first on (startedAt, id), for either engine's sessions
 * table: Drizzle's operators are the same on both, only the table differs.
 */
export function sessionListConditions(t: SessionColumns, q: SessionFilter & Keyset<[number, string]>): Array<SQL | undefined> {
  const conditions: Array<SQL | undefined> = [];
  if (q.profileId !== undefined) conditions.push(eq(t.profileId, q.profileId));
  if (q.type !== undefined) conditions.push(eq(t.type, q.type));
  if (q.status !== undefined) conditions.push(eq(t.status, q.status));
  if (q.project !== undefined) conditions.push(eq(t.project, q.project));
  if (q.from !== undefined) conditions.push(gte(t.startedAt, q.from));
  if (q.to !== undefined) conditions.push(lt(t.startedAt, q.to));
  if (q.after !== undefined) {
    const [startedAt, id] = q.after;
    // `<=` first gives every *_started index a range bound; the OR only filters the boundary ms.
    conditions.push(lte(t.startedAt, startedAt), or(lt(t.startedAt, startedAt), lt(t.id, id)));
  }
  return conditions;
}
