import { dataVersionReader, type Db } from '../db/sqlite/client.js';
import type { WriteQueue } from './write-queue.js';

/** The session fields stored rows are rolled up by (issue 9): profile and project. */
export type SessionDims = { profileId: number | null; project: string | null };

/** Sessions remembered at most; past it the memory starts over (an agent fleet has a few thousand live ones). */
const LIMIT = 10_000;

/**
 * The profile and project of the sessions single calls arrive for, remembered by this process:
 * the lookup was ~3 µs of a single call. A session's profile and project never change. A
 * session deleted meanwhile is still refused: every delete of sessions in this process calls
 * forgetAll(), and so does each group commit that finds another connection (the CLI, a second
 * server) committed since the last one (a server-made call is staged without a foreign key to
 * fail). A session created again under the same id is looked up afresh.
 */
export function createSessionDims(db: Db, writes?: WriteQueue) {
  const lookup = db.$client.prepare('select profile_id as profileId, project from sessions where id = ?');
  const known = new Map<string, SessionDims>();
  const dataVersion = dataVersionReader(db);
  let seenVersion = dataVersion();
  writes?.onGroup({
    // Inside the group's write transaction: whatever others committed is visible from here on.
    begin: () => {
      const version = dataVersion();
      if (version !== seenVersion) known.clear();
      seenVersion = version;
    },
  });
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
    /** After sessions were deleted (or one was found gone). */
    forgetAll(): void {
      known.clear();
    },
  };
}

export type SessionDimsCache = ReturnType<typeof createSessionDims>;

/** SQLite's error for a row whose parent is missing (a staged call of a deleted session). */
export const isMissingParent = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
