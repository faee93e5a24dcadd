import { and, asc, count, desc, eq, gt, lt } from 'drizzle-orm';
import type { AuditInput, AuditRow, Keyset, ProfileEdit, ProfileRef, ProfileRow, ProfileStore, ProfileValues } from '../store.js';
import type { PgContext } from './context.js';
import { isUniqueViolation } from './errors.js';
import { inTransaction, type PgTx } from './transaction.js';
import { profileAudit, profiles, rowCountDeltas, sessions } from './schema/index.js';

type Reader = PgContext['db'] | PgTx;

/** Only the editable columns: a caller's object may carry more (an id is generated always and cannot be set). */
const pickValues = ({ name, description, enabled, autoSave, debugMode }: ProfileValues): ProfileValues => ({ name, description, enabled, autoSave, debugMode });

const byRef = (ref: ProfileRef) => ('id' in ref ? eq(profiles.id, ref.id) : eq(profiles.name, ref.name));

const audit = async (tx: PgTx, row: ProfileRow, action: AuditRow['action'], input: AuditInput) => {
  await tx.insert(profileAudit).values({ profileId: row.id, profileName: row.name, action, changes: input.changes(row), actor: input.actor, at: input.at });
};
const countDelta = (tx: PgTx, rows: number, at: number) => tx.insert(rowCountDeltas).values({ tableName: 'profiles', rows, at });
// A unique violation on profiles_name_uq aborts the transaction; it is the port's NAME_TAKEN.
const nameTakenAnswer = async <T>(work: () => Promise<T>): Promise<T | 'NAME_TAKEN'> => {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) return 'NAME_TAKEN';
    throw err;
  }
};
/** A profile by id or name; `lock` takes its row lock (FOR UPDATE) for the rest of the transaction. */
export const findProfile = async (reader: Reader, ref: ProfileRef, lock = false): Promise<ProfileRow | undefined> => {
  const query = reader.select().from(profiles).where(byRef(ref));
  const [row] = lock ? await query.for('update') : await query;
  return row;
};

/**
 * Profiles and their audit trail on PostgreSQL, as the SQLite engine's createProfileStore. The
 * name's uniqueness is the unique index profiles_name_uq: two replicas creating one name race
 * on it, and the loser's 23505 is answered NAME_TAKEN. update and remove lock the row (FOR
 * UPDATE), so `edit` / `decide` see it as it is and no other replica interleaves. A cascade
 * removes the sessions through `removeSessionsOf` (the shared session removal), in the same tx.
 */
export function createPgProfileStore(ctx: PgContext, hooks: { removeSessionsOf: (tx: PgTx, profileId: number) => Promise<void> }): ProfileStore {
  const { db } = ctx;
  return {
    async find(ref) {
      return findProfile(db, ref);
    },

    async list({ enabled, after, limit }: { enabled?: boolean } & Keyset<string>) {
      return db
        .select()
        .from(profiles)
        .where(and(enabled === undefined ? undefined : eq(profiles.enabled, enabled), after === undefined ? undefined : gt(profiles.name, after)))
        .orderBy(asc(profiles.name))
        .limit(limit);
    },

    async create(values: ProfileValues, at: number, input: AuditInput) {
      return nameTakenAnswer(() =>
        inTransaction(ctx, async (tx) => {
          const [row] = await tx.insert(profiles).values({ ...pickValues(values), createdAt: at, updatedAt: at }).returning();
          await audit(tx, row!, 'create', input);
          await countDelta(tx, 1, ctx.now());
          return row!;
        }),
      );
    },

    async update(ref, edit: (before: ProfileRow) => ProfileEdit) {
      return nameTakenAnswer(() =>
        inTransaction(ctx, async (tx) => {
          const before = await findProfile(tx, ref, true);
          if (!before) return 'NOT_FOUND' as const;
          const change = edit(before);
          if (!change) return before;
          const [after] = await tx.update(profiles).set({ ...pickValues(change.values), updatedAt: change.updatedAt }).where(eq(profiles.id, before.id)).returning();
          await audit(tx, after!, 'update', change.audit);
          return after!;
        }),
      );
    },

    async remove(ref, decide) {
      return inTransaction(ctx, async (tx) => {
        const row = await findProfile(tx, ref, true);
        if (!row) return 'NOT_FOUND' as const;
        const [owned] = await tx.select({ n: count() }).from(sessions).where(eq(sessions.profileId, row.id));
        const { cascade, audit: input } = decide(row, owned?.n ?? 0);
        if ((owned?.n ?? 0) > 0 && cascade) await hooks.removeSessionsOf(tx, row.id);
        await tx.delete(profiles).where(eq(profiles.id, row.id));
        await audit(tx, row, 'delete', input);
        await countDelta(tx, -1, ctx.now());
        return row;
      });
    },

    async audit(profileId: number, { after, limit }: Keyset<number>) {
      const rows = await db
        .select()
        .from(profileAudit)
        .where(and(eq(profileAudit.profileId, profileId), after === undefined ? undefined : lt(profileAudit.id, after)))
        .orderBy(desc(profileAudit.id))
        .limit(limit);
      return rows.map((r) => ({ ...r, changes: r.changes as AuditRow['changes'] }));
    },

    async deletedProfileId(ref) {
      const [row] = await db
        .select({ profileId: profileAudit.profileId })
        .from(profileAudit)
        .where(and('id' in ref ? eq(profileAudit.profileId, ref.id) : eq(profileAudit.profileName, ref.name), eq(profileAudit.action, 'delete')))
        .orderBy(desc(profileAudit.id))
        .limit(1);
      return row?.profileId;
    },
  };
}
