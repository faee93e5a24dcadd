import { and, asc, count, desc, eq, gt, lt } from 'drizzle-orm';
import type { AuditInput, AuditRow, Keyset, ProfileEdit, ProfileRef, ProfileRow, ProfileStore, ProfileValues } from '../store.js';
import { writeTransaction, type Db } from './client.js';
import { profileAudit, profiles, sessions } from './schema/index.js';

export function findProfile(db: Db, ref: ProfileRef): ProfileRow | undefined {
  return 'id' in ref ? db.select().from(profiles).where(eq(profiles.id, ref.id)).get() : db.select().from(profiles).where(eq(profiles.name, ref.name)).get();
}

/** Profiles and their audit trail. Deleting one with cascade takes its sessions (and their rows, rollups, cached dimensions) along. */
export function createProfileStore(db: Db, hooks: { moveStaged: () => void; removeSessionsOf: (tx: Db, profileId: number) => () => void }): ProfileStore {
  const nameTaken = (tx: Db, name: string, exceptId?: number): boolean => {
    const other = tx.select({ id: profiles.id }).from(profiles).where(eq(profiles.name, name)).get();
    return other !== undefined && other.id !== exceptId;
  };
  const audit = (tx: Db, row: ProfileRow, action: AuditRow['action'], input: AuditInput): void => {
    tx.insert(profileAudit).values({ profileId: row.id, profileName: row.name, action, changes: input.changes(row), actor: input.actor, at: input.at }).run();
  };

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
        .limit(limit)
        .all();
    },

    async create(values: ProfileValues, at: number, input: AuditInput) {
      return writeTransaction(db, (tx) => {
        if (nameTaken(tx, values.name)) return 'NAME_TAKEN' as const;
        const row = tx.insert(profiles).values({ ...values, createdAt: at, updatedAt: at }).returning().get();
        audit(tx, row, 'create', input);
        return row;
      });
    },

    async update(ref, edit: (before: ProfileRow) => ProfileEdit) {
      return writeTransaction(db, (tx) => {
        const before = findProfile(tx, ref);
        if (!before) return 'NOT_FOUND' as const;
        const change = edit(before);
        if (!change) return before;
        if (nameTaken(tx, change.values.name, before.id)) return 'NAME_TAKEN' as const;
        const after = tx.update(profiles).set({ ...change.values, updatedAt: change.updatedAt }).where(eq(profiles.id, before.id)).returning().get() as ProfileRow;
        audit(tx, after, 'update', change.audit);
        return after;
      });
    },

    async remove(ref, decide) {
      hooks.moveStaged();
      let committed = () => undefined as void;
      const removed = writeTransaction(db, (tx) => {
        const row = findProfile(tx, ref);
        if (!row) return 'NOT_FOUND' as const;
        const owned = tx.select({ n: count() }).from(sessions).where(eq(sessions.profileId, row.id)).get()?.n ?? 0;
        const { cascade, audit: input } = decide(row, owned);
        if (owned > 0 && cascade) committed = hooks.removeSessionsOf(tx, row.id);
        tx.delete(profiles).where(eq(profiles.id, row.id)).run();
        audit(tx, row, 'delete', input);
        return row;
      });
      committed();
      return removed;
    },

    async audit(profileId: number, { after, limit }: Keyset<number>) {
      const rows = db
        .select()
        .from(profileAudit)
        .where(and(eq(profileAudit.profileId, profileId), after === undefined ? undefined : lt(profileAudit.id, after)))
        .orderBy(desc(profileAudit.id))
        .limit(limit)
        .all();
      return rows.map((r) => ({ ...r, changes: r.changes as AuditRow['changes'] }));
    },

    async deletedProfileId(ref) {
      const row = db
        .select({ profileId: profileAudit.profileId })
        .from(profileAudit)
        .where(and('id' in ref ? eq(profileAudit.profileId, ref.id) : eq(profileAudit.profileName, ref.name), eq(profileAudit.action, 'delete')))
        .orderBy(desc(profileAudit.id))
        .limit(1)
        .get();
      return row?.profileId;
    },
  };
}
