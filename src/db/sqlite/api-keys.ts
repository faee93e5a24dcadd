import { and, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { ApiKeyRow, ApiKeyStore, Keyset } from '../store.js';
import { dataVersionReader, type Db } from './client.js';
import { apiKeys } from './schema/index.js';

/** Distinct keys remembered between invalidations (a deployment has a handful; misses are never cached). */
const CACHE_LIMIT = 1000;

/**
 * API keys. Known, unrevoked keys are remembered by hash: a key's row only changes by
 * revocation, so the memory is emptied by revoke() here and whenever another connection (the
 * CLI, another process) has committed anything, which data_version tells. Unknown keys are
 * never remembered (no memory to fill with guesses).
 */
export function createApiKeyStore(db: Db): ApiKeyStore {
  const byHash = db.select().from(apiKeys).where(eq(apiKeys.hash, sql.placeholder('hash'))).prepare();
  const touch = db.update(apiKeys).set({ lastUsedAt: sql`${sql.placeholder('at')}` }).where(eq(apiKeys.id, sql.placeholder('id'))).prepare();
  const cache = new Map<string, ApiKeyRow>();
  const dataVersion = dataVersionReader(db);
  let seenVersion = dataVersion();
  // Reading data_version is a read transaction (two file-lock system calls, ~7 % of a
  // single-call ingest's CPU when done per request), so the lookups that arrive together share
  // one read, made in the check phase after the poll phase that read their requests: after each
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

  return {
    async insert(row) {
      db.insert(apiKeys).values(row).run();
    },

    async activeByHash(hash) {
      await fresh();
      const hit = cache.get(hash);
      if (hit) return hit;
      const row = byHash.get({ hash });
      if (!row || row.revokedAt !== null) return undefined;
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(hash, row);
      return row;
    },

    async touch(id, at) {
      touch.run({ at, id });
    },

    async list({ after, limit }: Keyset<[number, string]>) {
      return db
        .select()
        .from(apiKeys)
        .where(after ? or(lt(apiKeys.createdAt, after[0]), and(eq(apiKeys.createdAt, after[0]), lt(apiKeys.id, after[1]))) : undefined)
        .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
        .limit(limit)
        .all();
    },

    async revoke(id, at) {
      const res = db.update(apiKeys).set({ revokedAt: at }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).run();
      cache.clear();
      if (res.changes > 0) return 'revoked';
      return db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id)).get() ? 'already revoked' : 'NOT_FOUND';
    },

    async count() {
      return db.select({ n: count() }).from(apiKeys).get()?.n ?? 0;
    },
  };
}
