import { and, desc, eq, gte, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Keyset, NewSession, SessionChange, SessionFilter, SessionRow, SessionStore } from '../store.js';
import { writeTransaction, type Db } from './client.js';
import { findProfile } from './profiles.js';
import { sessions } from './schema/index.js';

/**
 * Sessions. A session's toolCallCount and lastActivityAt move with its staged calls, so every
 * read of one moves them first (moveStaged); a delete goes through removeSessions, which takes
 * everything under them out of the rollups and the caches too.
 */
export function createSessionStore(db: Db, deps: { moveStaged: () => void; removeSessions: (tx: Db, where: { id: string }) => () => void }): SessionStore {
  const byId = (tx: Db, id: string) => tx.select().from(sessions).where(eq(sessions.id, id)).get();

  return {
    async find(id) {
      deps.moveStaged();
      return byId(db, id);
    },

    async list(q: SessionFilter & Keyset<[number, string]>) {
      deps.moveStaged();
      const conditions: Array<SQL | undefined> = [];
      if (q.profileId !== undefined) conditions.push(eq(sessions.profileId, q.profileId));
      if (q.type !== undefined) conditions.push(eq(sessions.type, q.type));
      if (q.status !== undefined) conditions.push(eq(sessions.status, q.status));
      if (q.project !== undefined) conditions.push(eq(sessions.project, q.project));
      if (q.from !== undefined) conditions.push(gte(sessions.startedAt, q.from));
      if (q.to !== undefined) conditions.push(lt(sessions.startedAt, q.to));
      if (q.after !== undefined) {
        const [startedAt, id] = q.after;
        // `<=` first gives every *_started index a range bound; the OR only filters the boundary ms.
        conditions.push(lte(sessions.startedAt, startedAt), or(lt(sessions.startedAt, startedAt), lt(sessions.id, id)));
      }
      return db.select().from(sessions).where(and(...conditions)).orderBy(desc(sessions.startedAt), desc(sessions.id)).limit(q.limit).all();
    },

    async create(input: NewSession) {
      deps.moveStaged();
      return writeTransaction(db, (tx) => {
        let profileId: number | null = null;
        if (input.profile !== null) {
          const profile = findProfile(tx, input.profile);
          if (!profile) return 'UNKNOWN_PROFILE' as const;
          profileId = profile.id;
        }
        const existing = byId(tx, input.id);
        if (existing) return { created: false as const, existing, profileId };
        const row = tx
          .insert(sessions)
          .values({
            id: input.id,
            profileId,
            type: input.type,
            project: input.project,
            startedAt: input.startedAt,
            updatedAt: input.at,
            // Creating is not activity of its own: a session sent with a past startedAt is as
            // old as that (retention and stale detection go by the data's times).
            lastActivityAt: input.startedAt,
          })
          .returning()
          .get();
        return { created: true as const, row };
      });
    },

    async update(id, change: (row: SessionRow) => SessionChange) {
      deps.moveStaged();
      return writeTransaction(db, (tx) => {
        const row = byId(tx, id);
        if (!row) return 'NOT_FOUND' as const;
        return tx.update(sessions).set(change(row)).where(eq(sessions.id, row.id)).returning().get() as SessionRow;
      });
    },

    async remove(id) {
      deps.moveStaged();
      const committed = writeTransaction(db, (tx) => (byId(tx, id) ? deps.removeSessions(tx, { id }) : null));
      committed?.();
      return committed !== null;
    },
  };
}
