import { and, desc, eq, gte, lt, lte, or, type SQL } from 'drizzle-orm';
import { writeTransaction, type Db } from '../db/sqlite/client.js';
import { sessions } from '../db/sqlite/schema.js';
import type { SESSION_STATUSES, SESSION_TYPES } from '../lib/vocabulary.js';
import { conflict, notFound, unprocessable } from '../lib/app-error.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { canonicalUuid, newId } from '../lib/ids.js';
import { iso, isoOrNull } from '../lib/time.js';
import type { ServiceDeps } from './index.js';
import type { RollupService } from './rollups.js';
import type { SessionDimsCache } from './session-dims.js';
import type { ToolCallInbox } from './tool-call-inbox.js';
import { findProfile } from './profiles.js';

export type SessionType = (typeof SESSION_TYPES)[number];
export type SessionStatus = (typeof SESSION_STATUSES)[number];
type Row = typeof sessions.$inferSelect;

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

export function sessionView(row: Row): SessionView {
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

/** A profile reference (id, digits string = id, or name) → its id; unknown → 422 UNKNOWN_PROFILE. Usable inside a transaction. */
export function resolveProfileRef(tx: Db, ref: ProfileRef, path = '/profile'): number {
  const found = findProfile(tx, ref);
  if (!found) throw unprocessable('UNKNOWN_PROFILE', `no profile ${ref}`, [{ path, message: 'unknown profile' }]);
  return found.id;
}

export type EnsureSessionInput = { id: string; project?: string | null; profile?: ProfileRef | null; startedAt: number };

/**
 * Creates an `agent` session for every id not stored yet (used by OTLP ingest, inside its
 * transaction); returns the ids it created. An unknown profile is left out (profileId null)
 * rather than failing telemetry that cannot be corrected by the sender.
 */
export function ensureSessions(tx: Db, items: EnsureSessionInput[], now: number): string[] {
  const created: string[] = [];
  for (const item of items) {
    const id = canonicalUuid(item.id);
    if (tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, id)).get()) continue;
    const profileId = item.profile === undefined || item.profile === null ? null : (findProfile(tx, item.profile)?.id ?? null);
    tx.insert(sessions)
      .values({ id, profileId, type: 'agent', project: item.project ?? null, startedAt: item.startedAt, updatedAt: now, lastActivityAt: item.startedAt })
      .run();
    created.push(id);
  }
  return created;
}

function byId(tx: Db, id: string): Row | undefined {
  return tx.select().from(sessions).where(eq(sessions.id, canonicalUuid(id))).get();
}

function mustFind(tx: Db, id: string): Row {
  const row = byId(tx, id);
  if (!row) throw notFound(`no session ${id}`);
  return row;
}

const TERMINAL: ReadonlySet<SessionStatus> = new Set(['completed', 'failed', 'cancelled']);

/** inbox: staged tool calls count in their sessions as they move, so every read of a session moves them first. */
export function createSessionService({ db, now, rollups, sessionDims, inbox }: ServiceDeps & { rollups: RollupService; sessionDims?: SessionDimsCache; inbox?: Pick<ToolCallInbox, 'drain'> }) {
  return {
    /** 201 when created; an already stored id with the same fields answers the stored session (created false). */
    create(input: CreateSessionInput): { session: SessionView; created: boolean } {
      return writeTransaction(db, (tx) => {
        inbox?.drain();
        const profileId = input.profile === undefined || input.profile === null ? null : resolveProfileRef(tx, input.profile);
        const project = input.project ?? null;
        const existing = input.id === undefined ? undefined : byId(tx, input.id);
        if (existing) {
          const same =
            existing.type === input.type &&
            existing.profileId === profileId &&
            existing.project === project &&
            (input.startedAt === undefined || existing.startedAt === input.startedAt);
          if (!same) throw conflict('SESSION_ID_CONFLICT', `session ${existing.id} already exists with different fields`);
          return { session: sessionView(existing), created: false };
        }
        const t = now();
        const startedAt = input.startedAt ?? t;
        const row = tx
          .insert(sessions)
          .values({
            id: input.id === undefined ? newId() : canonicalUuid(input.id),
            profileId,
            type: input.type,
            project,
            startedAt,
            updatedAt: t,
            // Creating is not activity of its own: a session sent with a past startedAt is as
            // old as that (retention and stale detection go by the data's times).
            lastActivityAt: startedAt,
          })
          .returning()
          .get();
        return { session: sessionView(row), created: true };
      });
    },

    get(id: string): SessionView {
      inbox?.drain();
      return sessionView(mustFind(db, id));
    },

    /** Newest first: startedAt desc, id desc; the cursor is that pair. */
    list(filter: SessionFilter & { limit: number; cursor?: string }): { items: SessionView[]; nextCursor: string | null } {
      inbox?.drain();
      const conditions: Array<SQL | undefined> = [];
      if (filter.profile !== undefined) {
        const profile = findProfile(db, filter.profile);
        if (!profile) return { items: [], nextCursor: null };
        conditions.push(eq(sessions.profileId, profile.id));
      }
      if (filter.type !== undefined) conditions.push(eq(sessions.type, filter.type));
      if (filter.status !== undefined) conditions.push(eq(sessions.status, filter.status));
      if (filter.project !== undefined) conditions.push(eq(sessions.project, filter.project));
      if (filter.from !== undefined) conditions.push(gte(sessions.startedAt, filter.from));
      if (filter.to !== undefined) conditions.push(lt(sessions.startedAt, filter.to));
      if (filter.cursor !== undefined) {
        const [startedAt, id] = decodeCursor(filter.cursor, ['number', 'string']) as [number, string];
        // `<=` first gives every *_started index a range bound; the OR only filters the boundary ms.
        conditions.push(lte(sessions.startedAt, startedAt), or(lt(sessions.startedAt, startedAt), lt(sessions.id, id)));
      }
      const rows = db
        .select()
        .from(sessions)
        .where(and(...conditions))
        .orderBy(desc(sessions.startedAt), desc(sessions.id))
        .limit(filter.limit + 1)
        .all();
      const result = page(rows, filter.limit, (r) => [r.startedAt, r.id]);
      return { items: result.rows.map(sessionView), nextCursor: result.nextCursor };
    },

    /** Contract "Sessions": a terminal status ends the session; an ended session is immutable. */
    update(id: string, patch: SessionPatch): SessionView {
      return writeTransaction(db, (tx) => {
        inbox?.drain();
        const row = mustFind(tx, id);
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
        const updated = tx
          .update(sessions)
          .set({
            status: patch.status ?? row.status,
            exitCode: patch.exitCode ?? row.exitCode,
            outputLines: patch.outputLines ?? row.outputLines,
            errorCount: patch.errorCount ?? row.errorCount,
            endedAt: endedAt ?? row.endedAt,
            updatedAt: Math.max(t, row.updatedAt),
            // An update is activity now, except an end given with its own endedAt: the
            // session's activity stopped then.
            lastActivityAt: Math.max(row.lastActivityAt, patch.endedAt ?? t),
          })
          .where(eq(sessions.id, row.id))
          .returning()
          .get() as Row;
        return sessionView(updated);
      });
    },

    /** Tool calls, productivity events and feature usage go with it (FK ON DELETE CASCADE), its tool calls out of the rollups too. */
    remove(id: string): void {
      writeTransaction(db, (tx) => {
        const row = mustFind(tx, id);
        const calls = rollups.callsOf({ sessionId: row.id });
        tx.delete(sessions).where(eq(sessions.id, row.id)).run();
        sessionDims?.forgetAll();
        rollups.forget(calls);
      });
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
