import type { AuditChanges, AuditInput, AuditRow, ProfileRef, ProfileRow, ProfileValues } from '../db/store.js';
import { conflict, notFound } from '../lib/app-error.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { iso } from '../lib/time.js';
import type { ServiceDeps } from './deps.js';

export type ProfileConfig = { enabled: boolean; autoSave: boolean; debugMode: boolean };
export type ProfileView = {
  id: number;
  name: string;
  description: string | null;
  config: ProfileConfig;
  createdAt: string;
  updatedAt: string;
};
export type AuditEntryView = { id: number; action: AuditRow['action']; changes: AuditChanges; actor: string; at: string };
export type ProfileInput = { name: string; description?: string | null; config?: Partial<ProfileConfig> };
export type ProfilePatch = { name?: string; description?: string | null; config?: Partial<ProfileConfig> };
type PageOf<T> = { items: T[]; nextCursor: string | null };

function view(row: ProfileRow): ProfileView {
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
function fields(row: ProfileValues | null): Record<string, unknown> {
  return {
    name: row?.name ?? null,
    description: row?.description ?? null,
    'config.enabled': row?.enabled ?? null,
    'config.autoSave': row?.autoSave ?? null,
    'config.debugMode': row?.debugMode ?? null,
  };
}

/** `{ field: { from, to } }` for every field whose value differs; create and delete list every field. */
export function diff(before: ProfileValues | null, after: ProfileValues | null): AuditChanges {
  const a = fields(before);
  const b = fields(after);
  const every = before === null || after === null;
  const changes: AuditChanges = {};
  for (const key of Object.keys(a)) {
    if (every || a[key] !== b[key]) changes[key] = { from: a[key], to: b[key] };
  }
  return changes;
}

/** A path segment of digits is an id (names are never all digits); anything else is a name. */
export function profileRef(idOrName: string | number): ProfileRef | null {
  if (typeof idOrName === 'number') return { id: idOrName };
  if (!/^\d+$/.test(idOrName)) return { name: idOrName };
  const id = Number(idOrName);
  return Number.isSafeInteger(id) ? { id } : null;
}

const nameTaken = (name: string) => conflict('PROFILE_NAME_TAKEN', `a profile named ${name} already exists`);

export function createProfileService({ store, now }: ServiceDeps) {
  const profiles = store.profiles;
  const mustRef = (idOrName: string): ProfileRef => {
    const ref = profileRef(idOrName);
    if (!ref) throw notFound(`no profile ${idOrName}`);
    return ref;
  };

  /** The id whose history a path names: a live profile, or a deleted one by id or last name. */
  const auditSubject = async (idOrName: string): Promise<number> => {
    const ref = mustRef(idOrName);
    const live = await profiles.find(ref);
    if (live) return live.id;
    const deleted = await profiles.deletedProfileId(ref);
    if (deleted === undefined) throw notFound(`no profile ${idOrName}`);
    return deleted;
  };

  return {
    async create(input: ProfileInput, actor: string): Promise<ProfileView> {
      const values: ProfileValues = {
        name: input.name,
        description: input.description ?? null,
        enabled: input.config?.enabled ?? true,
        autoSave: input.config?.autoSave ?? false,
        debugMode: input.config?.debugMode ?? false,
      };
      const t = now();
      const row = await profiles.create(values, t, { actor, at: t, changes: (r) => diff(null, r) });
      if (row === 'NAME_TAKEN') throw nameTaken(input.name);
      return view(row);
    },

    async get(idOrName: string): Promise<ProfileView> {
      const row = await profiles.find(mustRef(idOrName));
      if (!row) throw notFound(`no profile ${idOrName}`);
      return view(row);
    },

    /** By name ascending; the name is unique, so it is the whole keyset. */
    async list(opts: { enabled?: boolean; limit: number; cursor?: string }): Promise<PageOf<ProfileView>> {
      const after = opts.cursor ? (decodeCursor(opts.cursor, ['string'])[0] as string) : undefined;
      const result = page(await profiles.list({ enabled: opts.enabled, after, limit: opts.limit + 1 }), opts.limit, (r) => [r.name]);
      return { items: result.rows.map(view), nextCursor: result.nextCursor };
    },

    async update(idOrName: string, patch: ProfilePatch, actor: string): Promise<ProfileView> {
      const row = await profiles.update(mustRef(idOrName), (before) => {
        const next: ProfileValues = {
          name: patch.name ?? before.name,
          description: patch.description === undefined ? before.description : patch.description,
          enabled: patch.config?.enabled ?? before.enabled,
          autoSave: patch.config?.autoSave ?? before.autoSave,
          debugMode: patch.config?.debugMode ?? before.debugMode,
        };
        const changes = diff(before, next);
        if (Object.keys(changes).length === 0) return null;
        const t = now();
        // updatedAt strictly increases, so a client can see the bump even within one millisecond.
        return { values: next, updatedAt: Math.max(t, before.updatedAt + 1), audit: { actor, at: t, changes: () => changes } };
      });
      if (row === 'NOT_FOUND') throw notFound(`no profile ${idOrName}`);
      if (row === 'NAME_TAKEN') throw nameTaken(patch.name ?? '');
      return view(row);
    },

    /** 409 PROFILE_HAS_SESSIONS unless cascade: then its sessions go too, with everything under them. */
    async remove(idOrName: string, opts: { cascade: boolean }, actor: string): Promise<void> {
      const audit: AuditInput = { actor, at: now(), changes: (r) => diff(r, null) };
      const removed = await profiles.remove(mustRef(idOrName), (row, owned) => {
        if (owned > 0 && !opts.cascade) throw conflict('PROFILE_HAS_SESSIONS', `profile ${row.name} has ${owned} session(s); delete them first or use ?cascade=true`);
        return { cascade: opts.cascade, audit };
      });
      if (removed === 'NOT_FOUND') throw notFound(`no profile ${idOrName}`);
    },

    /** Newest first; after a delete the history stays readable by id or by the last name. */
    async audit(idOrName: string, opts: { limit: number; cursor?: string }): Promise<PageOf<AuditEntryView>> {
      const profileId = await auditSubject(idOrName);
      const after = opts.cursor ? (decodeCursor(opts.cursor, ['number'])[0] as number) : undefined;
      const result = page(await profiles.audit(profileId, { after, limit: opts.limit + 1 }), opts.limit, (r) => [r.id]);
      return {
        items: result.rows.map((r) => ({ id: r.id, action: r.action, changes: r.changes, actor: r.actor, at: iso(r.at) })),
        nextCursor: result.nextCursor,
      };
    },
  };
}

export type ProfileService = ReturnType<typeof createProfileService>;
