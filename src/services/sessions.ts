import type { SessionFilter as StoredSessionFilter, SessionRow } from '../db/store.js';
import { conflict, notFound, unprocessable } from '../lib/app-error.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { canonicalUuid, newId } from '../lib/ids.js';
import { iso, isoOrNull } from '../lib/time.js';
import type { DevSessionStatus as SessionStatus, DevSessionType as SessionType } from '../db/row-types.js';
import type { ServiceDeps } from './deps.js';
import { profileRef } from './profiles.js';

export type { SessionStatus, SessionType };

export type SessionView = {
  id: string;
  profileId: number | null;
  type: SessionType;
  status: SessionStatus;
  project: string | null;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  exitCode: number | null;
  outputLines: number;
  errorCount: number;
  toolCallCount: number;
};
export type ProfileRef = number | string;
export type CreateSessionInput = { id?: string; profile?: ProfileRef | null; type: SessionType; project?: string | null; startedAt?: number };
export type SessionPatch = { status?: SessionStatus; exitCode?: number; endedAt?: number; outputLines?: number; errorCount?: number };
export type SessionFilter = { profile?: string; type?: SessionType; status?: SessionStatus; project?: string; from?: number; to?: number };

export function sessionView(row: SessionRow): SessionView {
  return {
    id: row.id,
    profileId: row.profileId,
    type: row.type,
    status: row.status,
    project: row.project,
    startedAt: iso(row.startedAt),
    endedAt: isoOrNull(row.endedAt),
    durationMs: row.endedAt === null ? null : row.endedAt - row.startedAt,
    exitCode: row.exitCode,
    outputLines: row.outputLines,
    errorCount: row.errorCount,
    toolCallCount: row.toolCallCount,
  };
}

const TERMINAL: ReadonlySet<SessionStatus> = new Set(['completed', 'failed', 'cancelled']);
const unknownProfile = (ref: ProfileRef) => unprocessable('UNKNOWN_PROFILE', `no profile ${ref}`, [{ path: '/profile', message: 'unknown profile' }]);

/** Contract "Sessions": idempotent creation on id, terminal statuses end a session, an ended session is immutable. */
export function createSessionService({ store, now }: ServiceDeps) {
  const sessions = store.sessions;
  const mustFind = async (id: string): Promise<SessionRow> => {
    const row = await sessions.find(canonicalUuid(id));
    if (!row) throw notFound(`no session ${id}`);
    return row;
  };

  return {
    /** 201 when created; an already stored id with the same fields answers the stored session (created false). */
    async create(input: CreateSessionInput): Promise<{ session: SessionView; created: boolean }> {
      const given = input.profile === undefined || input.profile === null ? null : input.profile;
      const ref = given === null ? null : profileRef(given);
      if (given !== null && ref === null) throw unknownProfile(given);
      const t = now();
      const startedAt = input.startedAt ?? t;
      const project = input.project ?? null;
      const result = await sessions.create({ id: input.id === undefined ? newId() : canonicalUuid(input.id), profile: ref, type: input.type, project, startedAt, at: t });
      if (result === 'UNKNOWN_PROFILE') throw unknownProfile(given as ProfileRef);
      if (result.created) return { session: sessionView(result.row), created: true };
      const { existing, profileId } = result;
      const same =
        existing.type === input.type && existing.profileId === profileId && existing.project === project && (input.startedAt === undefined || existing.startedAt === input.startedAt);
      if (!same) throw conflict('SESSION_ID_CONFLICT', `session ${existing.id} already exists with different fields`);
      return { session: sessionView(existing), created: false };
    },

    async get(id: string): Promise<SessionView> {
      return sessionView(await mustFind(id));
    },

    /** Newest first: startedAt desc, id desc; the cursor is that pair. */
    async list(filter: SessionFilter & { limit: number; cursor?: string }): Promise<{ items: SessionView[]; nextCursor: string | null }> {
      const query: StoredSessionFilter = { type: filter.type, status: filter.status, project: filter.project, from: filter.from, to: filter.to };
      if (filter.profile !== undefined) {
        const ref = profileRef(filter.profile);
        const profile = ref ? await store.profiles.find(ref) : undefined;
        if (!profile) return { items: [], nextCursor: null };
        query.profileId = profile.id;
      }
      const after = filter.cursor === undefined ? undefined : (decodeCursor(filter.cursor, ['number', 'string']) as [number, string]);
      const result = page(await sessions.list({ ...query, after, limit: filter.limit + 1 }), filter.limit, (r) => [r.startedAt, r.id]);
      return { items: result.rows.map(sessionView), nextCursor: result.nextCursor };
    },

    /** Contract "Sessions": a terminal status ends the session; an ended session is immutable. */
    async update(id: string, patch: SessionPatch): Promise<SessionView> {
      const updated = await sessions.update(canonicalUuid(id), (row) => {
        if (row.status !== 'active') throw conflict('SESSION_ENDED', `session ${row.id} ended (${row.status}) and can no longer change`);
        const ending = patch.status !== undefined && TERMINAL.has(patch.status);
        if (patch.endedAt !== undefined && !ending) {
          throw unprocessable('SESSION_NOT_ENDING', 'endedAt needs status completed, failed or cancelled', [{ path: '/endedAt', message: 'only with a terminal status' }]);
        }
        const t = now();
        // A session may start up to 24 h ahead; ending it "now" never puts endedAt before startedAt.
        const endedAt = ending ? (patch.endedAt ?? Math.max(t, row.startedAt)) : null;
        if (endedAt !== null && endedAt < row.startedAt) {
          throw unprocessable('INVALID_TIME_RANGE', `endedAt ${iso(endedAt)} is before startedAt ${iso(row.startedAt)}`, [{ path: '/endedAt', message: 'must not be before startedAt' }]);
        }
        return {
          status: patch.status ?? row.status,
          exitCode: patch.exitCode ?? row.exitCode,
          outputLines: patch.outputLines ?? row.outputLines,
          errorCount: patch.errorCount ?? row.errorCount,
          endedAt: endedAt ?? row.endedAt,
          updatedAt: Math.max(t, row.updatedAt),
          // An update is activity now, except an end given with its own endedAt: the
          // session's activity stopped then.
          lastActivityAt: Math.max(row.lastActivityAt, patch.endedAt ?? t),
        };
      });
      if (updated === 'NOT_FOUND') throw notFound(`no session ${id}`);
      return sessionView(updated);
    },

    /** Its tool calls, productivity events and feature usage go with it (and its calls out of the rollups). */
    async remove(id: string): Promise<void> {
      if (!(await sessions.remove(canonicalUuid(id)))) throw notFound(`no session ${id}`);
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
