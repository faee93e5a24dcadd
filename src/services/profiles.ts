import { and, asc, count, desc, eq, gt, lt } from 'drizzle-orm';
import { writeTransaction, type Db } from '../db/sqlite/client.js';
import { profileAudit, profiles, sessions } from '../db/sqlite/schema.js';
import { conflict, notFound } from '../lib/app-error.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { iso } from '../lib/time.js';
import type { ServiceDeps } from './index.js';
import type { RollupService } from './rollups.js';
import type { SessionDimsCache } from './session-dims.js';

type Row = typeof profiles.$inferSelect;
type AuditRow = typeof profileAudit.$inferSelect;
type Changes = Record<string, { from: unknown; to: unknown }>;

export type ProfileConfig = { enabled: boolean; autoSave: boolean; debugMode: boolean };
export type ProfileView = {
  id: number;
  name: string;
  description: string | null;
  config: ProfileConfig;
  createdAt: string;
  updatedAt: string;
};
export type AuditEntryView = { id: number; action: AuditRow['action']; changes: Changes; actor: string; at: string };
export type ProfileInput = { name: string; description?: string | null; config?: Partial<ProfileConfig> };
export type ProfilePatch = { name?: string; description?: string | null; config?: Partial<ProfileConfig> };
type PageOf<T> = { items: T[]; nextCursor: string | null };

function view(row: Row): ProfileView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    config: { enabled: row.enabled, autoSave: row.autoSave, debugMode: row.debugMode },
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** The audited fields of a profile, config fields flattened as `config.<field>`. */
function fields(row: Row | null): Record<string, unknown> {
  return {
    name: row?.name ?? null,
    description: row?.description ?? null,
    'config.enabled': row?.enabled ?? null,
    'config.autoSave': row?.autoSave ?? null,
    'config.debugMode': row?.debugMode ?? null,
  };
}

/** `{ field: { from, to } }` for every field whose value differs; create and delete list every field. */
export function diff(before: Row | null, after: Row | null): Changes {
  const a = fields(before);
  const b = fields(after);
  const every = before === null || after === null;
  const changes: Changes = {};
  for (const key of Object.keys(a)) {
    if (every || a[key] !== b[key]) changes[key] = { from: a[key], to: b[key] };
  }
  return changes;
}

/** A path segment of digits is an id (names are never all digits); anything else is a name. */
export function findProfile(db: Db, idOrName: string | number): Row | undefined {
  if (typeof idOrName === 'number' || /^\d+$/.test(idOrName)) {
    const id = Number(idOrName);
    if (!Number.isSafeInteger(id)) return undefined;
    return db.select().from(profiles).where(eq(profiles.id, id)).get();
  }
  return db.select().from(profiles).where(eq(profiles.name, idOrName)).get();
}

export function createProfileService({ db, now, rollups, sessionDims }: ServiceDeps & { rollups: RollupService; sessionDims?: SessionDimsCache }) {
  const mustFind = (tx: Db, idOrName: string): Row => {
    const row = findProfile(tx, idOrName);
    if (!row) throw notFound(`no profile ${idOrName}`);
    return row;
  };

  const assertNameFree = (tx: Db, name: string, exceptId?: number): void => {
    const other = tx.select({ id: profiles.id }).from(profiles).where(eq(profiles.name, name)).get();
    if (other && other.id !== exceptId) throw conflict('PROFILE_NAME_TAKEN', `a profile named ${name} already exists`);
  };

  const audit = (tx: Db, row: Row, action: AuditRow['action'], changes: Changes, actor: string, at: number): void => {
    tx.insert(profileAudit).values({ profileId: row.id, profileName: row.name, action, changes, actor, at }).run();
  };

  /** The id whose history a path names: a live profile, or a deleted one by id or last name. */
  const auditSubject = (idOrName: string): number => {
    const live = findProfile(db, idOrName);
    if (live) return live.id;
    const byId = /^\d+$/.test(idOrName);
    if (byId && !Number.isSafeInteger(Number(idOrName))) throw notFound(`no profile ${idOrName}`);
    const deleted = db
      .select({ profileId: profileAudit.profileId })
      .from(profileAudit)
      .where(and(byId ? eq(profileAudit.profileId, Number(idOrName)) : eq(profileAudit.profileName, idOrName), eq(profileAudit.action, 'delete')))
      .orderBy(desc(profileAudit.id))
      .limit(1)
      .get();
    if (!deleted) throw notFound(`no profile ${idOrName}`);
    return deleted.profileId;
  };

  return {
    create(input: ProfileInput, actor: string): ProfileView {
      return writeTransaction(db, (tx) => {
        assertNameFree(tx, input.name);
        const t = now();
        const row = tx
          .insert(profiles)
          .values({
            name: input.name,
            description: input.description ?? null,
            enabled: input.config?.enabled ?? true,
            autoSave: input.config?.autoSave ?? false,
            debugMode: input.config?.debugMode ?? false,
            createdAt: t,
            updatedAt: t,
          })
          .returning()
          .get();
        audit(tx, row, 'create', diff(null, row), actor, t);
        return view(row);
      });
    },

    get(idOrName: string): ProfileView {
      return view(mustFind(db, idOrName));
    },

    /** By name ascending; the name is unique, so it is the whole keyset. */
    list(opts: { enabled?: boolean; limit: number; cursor?: string }): PageOf<ProfileView> {
      const after = opts.cursor ? (decodeCursor(opts.cursor, ['string'])[0] as string) : undefined;
      const rows = db
        .select()
        .from(profiles)
        .where(and(opts.enabled === undefined ? undefined : eq(profiles.enabled, opts.enabled), after === undefined ? undefined : gt(profiles.name, after)))
        .orderBy(asc(profiles.name))
        .limit(opts.limit + 1)
        .all();
      const result = page(rows, opts.limit, (r) => [r.name]);
      return { items: result.rows.map(view), nextCursor: result.nextCursor };
    },

    update(idOrName: string, patch: ProfilePatch, actor: string): ProfileView {
      return writeTransaction(db, (tx) => {
        const before = mustFind(tx, idOrName);
        if (patch.name !== undefined) assertNameFree(tx, patch.name, before.id);
        const next: Row = {
          ...before,
          name: patch.name ?? before.name,
          description: patch.description === undefined ? before.description : patch.description,
          enabled: patch.config?.enabled ?? before.enabled,
          autoSave: patch.config?.autoSave ?? before.autoSave,
          debugMode: patch.config?.debugMode ?? before.debugMode,
        };
        const changes = diff(before, next);
        if (Object.keys(changes).length === 0) return view(before);
        const t = now();
        // updatedAt strictly increases, so a client can see the bump even within one millisecond.
        const after = tx
          .update(profiles)
          .set({ ...next, updatedAt: Math.max(t, before.updatedAt + 1) })
          .where(eq(profiles.id, before.id))
          .returning()
          .get() as Row;
        audit(tx, after, 'update', changes, actor, t);
        return view(after);
      });
    },

    /** 409 PROFILE_HAS_SESSIONS unless cascade: then its sessions go too (their children by FK cascade). */
    remove(idOrName: string, opts: { cascade: boolean }, actor: string): void {
      writeTransaction(db, (tx) => {
        const row = mustFind(tx, idOrName);
        const owned = tx.select({ n: count() }).from(sessions).where(eq(sessions.profileId, row.id)).get()?.n ?? 0;
        if (owned > 0 && !opts.cascade) {
          throw conflict('PROFILE_HAS_SESSIONS', `profile ${row.name} has ${owned} session(s); delete them first or use ?cascade=true`);
        }
        if (owned > 0) {
          const calls = rollups.callsOf({ profileId: row.id });
          tx.delete(sessions).where(eq(sessions.profileId, row.id)).run();
          sessionDims?.forgetAll();
          rollups.forget(calls);
        }
        tx.delete(profiles).where(eq(profiles.id, row.id)).run();
        audit(tx, row, 'delete', diff(row, null), actor, now());
      });
    },

    /** Newest first; after a delete the history stays readable by id or by the last name. */
    audit(idOrName: string, opts: { limit: number; cursor?: string }): PageOf<AuditEntryView> {
      const profileId = auditSubject(idOrName);
      const before = opts.cursor ? (decodeCursor(opts.cursor, ['number'])[0] as number) : undefined;
      const rows = db
        .select()
        .from(profileAudit)
        .where(and(eq(profileAudit.profileId, profileId), before === undefined ? undefined : lt(profileAudit.id, before)))
        .orderBy(desc(profileAudit.id))
        .limit(opts.limit + 1)
        .all();
      const result = page(rows, opts.limit, (r) => [r.id]);
      return {
        items: result.rows.map((r) => ({ id: r.id, action: r.action, changes: r.changes as Changes, actor: r.actor, at: iso(r.at) })),
        nextCursor: result.nextCursor,
      };
    },
  };
}

export type ProfileService = ReturnType<typeof createProfileService>;
