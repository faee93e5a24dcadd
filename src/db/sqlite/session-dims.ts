import { dataVersionReader, type Db } from './client.js';

/** The session fields stored rows are rolled up by: profile and project. */
export type SessionDims = { profileId: number | null; project: string | null };

/** Sessions remembered at most; past it the memory starts over (an agent fleet has a few thousand live ones). */
const LIMIT = 10_000;

/**
 * The profile and project of the sessions calls arrive for, remembered by this connection (a
 * lookup for every call otherwise). A session's profile and project never change. A session
 * deleted meanwhile is still refused: every delete of sessions through this store calls
 * forgetAll(), and so does each group commit that finds another connection (the CLI, a second
 * server) committed since the last one (refresh(), inside its write transaction). A session
 * created again under the same id is looked up afresh.
 */
export function createSessionDims(db: Db) {
  const lookup = db.$client.prepare('select profile_id as profileId, project from sessions where id = ?');
  const known = new Map<string, SessionDims>();
  const dataVersion = dataVersionReader(db);
  let seenVersion = dataVersion();
  return {
    /** The session's dimensions, or undefined when there is no such session. */
    get(id: string): SessionDims | undefined {
      const hit = known.get(id);
      if (hit) return hit;
      const dims = lookup.get(id) as SessionDims | undefined;
      if (dims) {
        if (known.size >= LIMIT) known.clear();
        known.set(id, dims);
      }
      return dims;
    },
    /** Inside a write transaction: whatever others committed is visible from here on, so forget what may be stale. */
    refresh(): void {
      const version = dataVersion();
      if (version !== seenVersion) known.clear();
      seenVersion = version;
    },
    /** After sessions were deleted (or one was found gone). */
    forgetAll(): void {
      known.clear();
    },
  };
}

export type SessionDimsCache = ReturnType<typeof createSessionDims>;

/** SQLite's error for a row whose parent is missing (a staged call of a deleted session). */
export const isMissingParent = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
