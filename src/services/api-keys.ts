import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRow, Store } from '../db/store.js';
import { invalid, notFound } from '../lib/app-error.js';
import { decodeCursor, page } from '../lib/cursor.js';
import { newId } from '../lib/ids.js';
import { iso, isoOrNull, parseRfc3339 } from '../lib/time.js';
import type { Role } from '../lib/vocabulary.js';

export type { Role } from '../lib/vocabulary.js';
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

function view(row: ApiKeyRow): ApiKeyView {
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

export function createApiKeyService({ store, now = Date.now }: { store: Pick<Store, 'apiKeys'>; now?: () => number }) {
  const keys = store.apiKeys;
  const lastTouched = new Map<string, number>();

  return {
    /** The key is in the result and nowhere else: only its hash and display prefix are stored. */
    async create(input: { name: string; role: Role; expiresAt?: number }, key = generateKey()): Promise<ApiKeyView & { key: string }> {
      const createdAt = now();
      // A key that is born expired is a mistake (a wrong unit or time zone), not a request.
      if (input.expiresAt !== undefined && input.expiresAt <= createdAt) {
        throw invalid('expiresAt must be in the future', [{ path: '/expiresAt', message: 'must be in the future' }]);
      }
      const row: ApiKeyRow = {
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
      await keys.insert(row);
      return { ...view(row), key };
    },

    /** The principal for a presented key, or null when unknown, revoked or expired. `hash` is hashKey(key) when the caller has it. */
    async authenticate(key: string, hash = hashKey(key)): Promise<Principal | null> {
      const row = await keys.activeByHash(hash);
      const t = now();
      if (!row || (row.expiresAt !== null && row.expiresAt <= t)) return null;
      // Reads must not turn into writes: record use at most once a minute per key.
      const last = lastTouched.get(row.id) ?? row.lastUsedAt ?? 0;
      if (t - last >= LAST_USED_RESOLUTION_MS) {
        lastTouched.set(row.id, t);
        // Best effort: a busy database must not turn a read into a failure.
        keys.touch(row.id, t).catch(() => undefined);
      }
      return { id: row.id, name: row.name, role: row.role };
    },

    async list(opts: { limit: number; cursor?: string }): Promise<{ items: ApiKeyView[]; nextCursor: string | null }> {
      const after = opts.cursor ? (decodeCursor(opts.cursor, ['number', 'string']) as [number, string]) : undefined;
      const result = page(await keys.list({ after, limit: opts.limit + 1 }), opts.limit, (r) => [r.createdAt, r.id]);
      return { items: result.rows.map(view), nextCursor: result.nextCursor };
    },

    /** Revocation is effective on the next request, on this server and (within a second) on every other one. */
    async revoke(id: string): Promise<void> {
      if ((await keys.revoke(id.toLowerCase(), now())) === 'NOT_FOUND') throw notFound(`no API key ${id}`);
    },

    count: (): Promise<number> => keys.count(),
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
