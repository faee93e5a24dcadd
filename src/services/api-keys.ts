import { createHash, randomBytes } from 'node:crypto';
import { and, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { dataVersionReader, type Db } from '../db/sqlite/client.js';
import { apiKeys } from '../db/sqlite/schema.js';
import type { ROLES } from '../lib/vocabulary.js';
import { invalid, notFound } from '../lib/app-error.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { newId } from '../lib/ids.js';
import { iso, isoOrNull, parseRfc3339 } from '../lib/time.js';

export type Role = (typeof ROLES)[number];
export type Principal = { id: string; name: string; role: Role };

export type ApiKeyView = {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};

const KEY_PREFIX = 'dfa_';
const LAST_USED_RESOLUTION_MS = 60_000;
/** Distinct keys remembered between invalidations (a deployment has a handful; misses are never cached). */
const CACHE_LIMIT = 1000;

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What a key shows in listings: enough to recognise it, useless to an attacker. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6);
}

/**
 * An expiry as given (RFC 3339 string of the right shape, or epoch ms) to epoch ms; a string
 * that is no real instant (2027-02-30…) is a 400. create() then requires it to be in the future.
 */
export function expiryFromInput(value: string | number | undefined): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  const ms = parseRfc3339(value);
  if (ms === null) throw invalid('expiresAt is not a real date and time', [{ path: '/expiresAt', message: 'must be a real RFC 3339 date and time' }]);
  return ms;
}

type Row = typeof apiKeys.$inferSelect;
type Cached = { principal: Principal; expiresAt: number | null; lastUsedAt: number | null };

function view(row: Row): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdAt: iso(row.createdAt),
    lastUsedAt: isoOrNull(row.lastUsedAt),
    expiresAt: isoOrNull(row.expiresAt),
    revokedAt: isoOrNull(row.revokedAt),
  };
}

export function createApiKeyService({ db, now = Date.now }: { db: Db; now?: () => number }) {
  const byHash = db.select().from(apiKeys).where(eq(apiKeys.hash, sql.placeholder('hash'))).prepare();
  const touch = db
    .update(apiKeys)
    .set({ lastUsedAt: sql`${sql.placeholder('at')}` })
    .where(eq(apiKeys.id, sql.placeholder('id')))
    .prepare();
  const lastTouched = new Map<string, number>();

  // Known, unrevoked keys by hash. A key's row only changes by revocation, so the cache is
  // emptied by revoke() here and whenever another connection (the CLI, another process) has
  // committed anything, which data_version tells. Expiry is checked on every use. Unknown keys
  // are never cached (no memory to fill with guesses).
  const cache = new Map<string, Cached>();
  const dataVersion = dataVersionReader(db);
  let seenVersion = dataVersion();
  // Reading data_version is a read transaction (two file-lock system calls, ~7 % of a
  // single-call ingest's CPU when done per request), so the requests that arrive together
  // share one read, made in the check phase after the poll phase that read them: after each
  // of them arrived, so a key revoked before a request arrived is still refused.
  let freshness: Promise<void> | null = null;
  const checkFreshness = () => {
    freshness = null;
    try {
      const version = dataVersion();
      if (version === seenVersion) return;
      seenVersion = version;
    } catch {
      // The lookup that follows reads the row (and fails properly if the database does).
    }
    cache.clear();
  };
  const fresh = () => (freshness ??= new Promise<void>((resolve) => setImmediate(() => resolve(checkFreshness()))));
  const lookup = (hash: string, t: number): Cached | null => {
    const hit = cache.get(hash);
    if (hit) return hit;
    const row = byHash.get({ hash });
    if (!row || row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= t)) return null;
    const entry = { principal: { id: row.id, name: row.name, role: row.role }, expiresAt: row.expiresAt, lastUsedAt: row.lastUsedAt };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(hash, entry);
    return entry;
  };

  return {
    /** The key is in the result and nowhere else: only its hash and display prefix are stored. */
    create(input: { name: string; role: Role; expiresAt?: number }, key = generateKey()): ApiKeyView & { key: string } {
      const createdAt = now();
      // A key that is born expired is a mistake (a wrong unit or time zone), not a request.
      if (input.expiresAt !== undefined && input.expiresAt <= createdAt) {
        throw invalid('expiresAt must be in the future', [{ path: '/expiresAt', message: 'must be in the future' }]);
      }
      const row: Row = {
        id: newId(),
        name: input.name,
        role: input.role,
        prefix: displayPrefix(key),
        hash: hashKey(key),
        createdAt,
        lastUsedAt: null,
        expiresAt: input.expiresAt ?? null,
        revokedAt: null,
      };
      db.insert(apiKeys).values(row).run();
      return { ...view(row), key };
    },

    /** The principal for a presented key, or null when unknown, revoked or expired. `hash` is hashKey(key) when the caller has it. */
    async authenticate(key: string, hash = hashKey(key)): Promise<Principal | null> {
      await fresh();
      const t = now();
      const entry = lookup(hash, t);
      if (!entry || (entry.expiresAt !== null && entry.expiresAt <= t)) return null;
      // Reads must not turn into writes: record use at most once a minute per key.
      const last = lastTouched.get(entry.principal.id) ?? entry.lastUsedAt ?? 0;
      if (t - last >= LAST_USED_RESOLUTION_MS) {
        lastTouched.set(entry.principal.id, t);
        try {
          touch.run({ at: t, id: entry.principal.id });
        } catch {
          // Best effort: a busy database must not turn a read into a failure.
        }
      }
      return entry.principal;
    },

    list(opts: { limit: number; cursor?: string }): { items: ApiKeyView[]; nextCursor: string | null } {
      const after = opts.cursor ? decodeCursor(opts.cursor, ['number', 'string']) : undefined;
      const rows = db
        .select()
        .from(apiKeys)
        .where(after ? or(lt(apiKeys.createdAt, after[0] as number), and(eq(apiKeys.createdAt, after[0] as number), lt(apiKeys.id, after[1] as string))) : undefined)
        .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
        .limit(opts.limit + 1)
        .all();
      const result = page(rows, opts.limit, (r) => [r.createdAt, r.id]);
      return { items: result.rows.map(view), nextCursor: result.nextCursor };
    },

    /** Revocation is effective on the next request: it empties the cache (another process's revocation does so through data_version). */
    revoke(id: string): void {
      const res = db.update(apiKeys).set({ revokedAt: now() }).where(and(eq(apiKeys.id, id.toLowerCase()), isNull(apiKeys.revokedAt))).run();
      cache.clear();
      if (res.changes === 0) {
        const exists = db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id.toLowerCase())).get();
        if (!exists) throw notFound(`no API key ${id}`);
      }
    },

    count(): number {
      return db.select({ n: count() }).from(apiKeys).get()?.n ?? 0;
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
