import { and, desc, eq } from 'drizzle-orm';
import { sessionListConditions } from '../session-list-conditions.js';
import type { Keyset, NewSession, SessionChange, SessionFilter, SessionRow, SessionStore } from '../store.js';
import type { PgContext } from './context.js';
import { findProfile } from './profiles.js';
import { rowCountDeltas, sessions } from './schema/index.js';
import { inTransaction, type PgTx } from './transaction.js';

type Reader = PgContext['db'] | PgTx;

/** A session id PostgreSQL's uuid type accepts: anything else names no session (SQLite's text ids answer nothing for it either). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function byId(reader: Reader, id: string, lock = false): Promise<SessionRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const query = reader.select().from(sessions).where(eq(sessions.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/**
 * Sessions on PostgreSQL, as the SQLite engine's createSessionStore. Every read is a plain read
 * of committed rows (nothing is staged here). create is insert-unless-exists in one statement
 * (ON CONFLICT DO NOTHING), so two replicas creating one id answer one `created` and one
 * `existing`; update locks the row (FOR UPDATE), so `change` sees it as it is. A delete goes
 * through `removeSessions` (the shared removal of sessions with everything under them).
 */
export function createPgSessionStore(ctx: PgContext, deps: { removeSessions: (tx: PgTx, ids: string[]) => Promise<void> }): SessionStore {
  const { db } = ctx;
  return {
    async find(id) {
      return byId(db, id);
    },

    async list(q: SessionFilter & Keyset<[number, string]>) {
      const conditions = sessionListConditions(sessions, q);
      return db.select().from(sessions).where(and(...conditions)).orderBy(desc(sessions.startedAt), desc(sessions.id)).limit(q.limit);
    },

    async create(input: NewSession) {
      return inTransaction(ctx, async (tx) => {
        let profileId: number | null = null;
        if (input.profile !== null) {
          const profile = await findProfile(tx, input.profile);
          if (!profile) return 'UNKNOWN_PROFILE' as const;
          profileId = profile.id;
        }
        const [row] = await tx
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
          .onConflictDoNothing({ target: sessions.id })
          .returning();
        if (row) {
          await tx.insert(rowCountDeltas).values({ tableName: 'sessions', rows: 1, at: input.at });
          return { created: true as const, row };
        }
        // Another request (on any replica) created it first: its committed row is visible now.
        const existing = await byId(tx, input.id);
        if (!existing) throw new Error(`session ${input.id} conflicted on insert but cannot be read`);
        return { created: false as const, existing, profileId };
      });
    },

    async update(id, change: (row: SessionRow) => SessionChange) {
      return inTransaction(ctx, async (tx) => {
        const row = await byId(tx, id, true);
        if (!row) return 'NOT_FOUND' as const;
        const [updated] = await tx.update(sessions).set(change(row)).where(eq(sessions.id, row.id)).returning();
        return updated as SessionRow;
      });
    },

    async remove(id) {
      return inTransaction(ctx, async (tx) => {
        if (!(await byId(tx, id, true))) return false;
        await deps.removeSessions(tx, [id]);
        return true;
      });
    },
  };
}
