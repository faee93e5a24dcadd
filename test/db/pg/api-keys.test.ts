import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPgApiKeyStore } from '../../../src/db/pg/api-keys.js';
import type { ApiKeyRow } from '../../../src/db/store.js';
import { freshPgContext } from '../../support/pg.js';

const key = (n: number, createdAt: number, over: Partial<ApiKeyRow> = {}): ApiKeyRow => ({
  id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  name: `k${n}`,
  role: 'ingest',
  prefix: `dfk_${n}`,
  hash: `hash-${n}`,
  createdAt,
  lastUsedAt: null,
  expiresAt: null,
  revokedAt: null,
  ...over,
});

test('api keys: insert, activeByHash, touch, count', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const keys = createPgApiKeyStore(ctx);
  assert.equal(await keys.count(), 0);
  await keys.insert(key(1, 1000, { expiresAt: 500 }));
  assert.deepEqual(await keys.activeByHash('hash-1'), key(1, 1000, { expiresAt: 500 }), 'expired keys are still answered');
  assert.equal(await keys.activeByHash('nope'), undefined);
  await keys.touch(key(1, 0).id, 4242);
  assert.equal((await keys.activeByHash('hash-1'))?.lastUsedAt, 4242);
  assert.equal(await keys.count(), 1);
});

test('api keys: revoke answers revoked, already revoked, NOT_FOUND; a revoked key is not active', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const keys = createPgApiKeyStore(ctx);
  await keys.insert(key(1, 1000));
  assert.ok(await keys.activeByHash('hash-1'));
  assert.equal(await keys.revoke(key(1, 0).id, 2000), 'revoked');
  assert.equal(await keys.activeByHash('hash-1'), undefined);
  assert.equal(await keys.revoke(key(1, 0).id, 3000), 'already revoked');
  assert.equal(await keys.revoke(key(9, 0).id, 3000), 'NOT_FOUND');
  const { rows } = await ctx.pool.query<{ revoked_at: number }>('SELECT revoked_at FROM api_keys');
  assert.deepEqual(rows.map((r) => r.revoked_at), [2000], 'the first revocation time stays');
  // Two concurrent revokes: exactly one says 'revoked'.
  await keys.insert(key(2, 1000));
  const answers = await Promise.all([keys.revoke(key(2, 0).id, 1), keys.revoke(key(2, 0).id, 2)]);
  assert.deepEqual(answers.sort(), ['already revoked', 'revoked']);
});

test('api keys: a revoke through another store (replica) is seen at once', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const a = createPgApiKeyStore(ctx);
  const b = createPgApiKeyStore({ ...ctx, db: ctx.database.db() });
  await a.insert(key(1, 1000));
  assert.ok(await a.activeByHash('hash-1'));
  assert.equal(await b.revoke(key(1, 0).id, 2000), 'revoked');
  assert.equal(await a.activeByHash('hash-1'), undefined);
});

test('api keys: list is newest first (createdAt desc, id desc), keyset pages across ties', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const keys = createPgApiKeyStore(ctx);
  for (const [n, at] of [[1, 100], [2, 200], [3, 200], [4, 200], [5, 300]] as const) await keys.insert(key(n, at));
  const all = await keys.list({ limit: 10 });
  assert.deepEqual(all.map((k) => k.name), ['k5', 'k4', 'k3', 'k2', 'k1']);
  const pages: string[][] = [];
  let after: [number, string] | undefined;
  for (;;) {
    const page = await keys.list({ limit: 2, ...(after ? { after } : {}) });
    if (page.length === 0) break;
    pages.push(page.map((k) => k.name));
    const last = page[page.length - 1]!;
    after = [last.createdAt, last.id];
  }
  assert.deepEqual(pages, [['k5', 'k4'], ['k3', 'k2'], ['k1']]);
});
