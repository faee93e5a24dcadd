import { and, desc, eq } from 'drizzle-orm';
import { sessionListConditions } from '../session-list-conditions.js';
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
      const conditions = sessionListConditions(sessions, q);
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
