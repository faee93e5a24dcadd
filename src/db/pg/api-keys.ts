import { and, count, eq, isNull } from 'drizzle-orm';
import type { ApiKeyRow, ApiKeyStore, Keyset } from '../store.js';
import type { PgContext } from './context.js';
import { listNewestFirst } from './keyset-list.js';
import { apiKeys } from './schema/index.js';

/**
 * API keys on PostgreSQL. Nothing is remembered in the replica: a plain read sees the latest
 * commit by anyone, so a key revoked through another replica is refused here at once (the port's
 * "as of the latest commit by anyone"). The hash lookup is the unique index api_keys_hash_uq.
 */
export function createPgApiKeyStore(ctx: PgContext): ApiKeyStore {
  const { db } = ctx;
  return {
    async insert(row) {
      await db.insert(apiKeys).values(row);
    },

    async activeByHash(hash) {
      const [row] = await db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).limit(1);
      return row && row.revokedAt === null ? row : undefined;
    },

    async touch(id, at) {
      await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
    },

    async list({ after, limit }: Keyset<[number, string]>) {
      return listNewestFirst<ApiKeyRow>(db, { table: apiKeys, time: apiKeys.createdAt, id: apiKeys.id, conditions: [], ...(after ? { after } : {}), limit });
    },

    async revoke(id, at) {
      // One statement decides 'revoked' (only the first of two racing revokes changes the row).
      const changed = await db.update(apiKeys).set({ revokedAt: at }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id });
      if (changed.length > 0) return 'revoked';
      const [exists] = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id));
      return exists ? 'already revoked' : 'NOT_FOUND';
    },

    async count() {
      const [row] = await db.select({ n: count() }).from(apiKeys);
      return row?.n ?? 0;
    },
  };
}
