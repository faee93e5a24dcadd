import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { inArray } from 'drizzle-orm';
import { sessions } from '../../../src/db/pg/schema/index.js';
import { createPgSessionStore } from '../../../src/db/pg/sessions.js';
import type { PgTx } from '../../../src/db/pg/transaction.js';
import type { NewSession } from '../../../src/db/store.js';
import { freshPgContext } from '../../support/pg.js';

const seed = (over: Partial<NewSession> = {}): NewSession => ({ id: randomUUID(), profile: null, type: 'test', project: null, startedAt: 1_000, at: 2_000, ...over });

test('PostgreSQL sessions: create, find, the existing answer, UNKNOWN_PROFILE, update inside the transaction, NOT_FOUND, and row counts', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const removed: string[][] = [];
  const store = createPgSessionStore(ctx, { removeSessions: async (tx: PgTx, ids) => {
    removed.push(ids);
    await tx.delete(sessions).where(inArray(sessions.id, ids));
  } });
  await ctx.pool.query("insert into profiles (name, created_at, updated_at) values ('laptop', 1, 1)");

  const first = seed({ profile: { name: 'laptop' }, project: 'web' });
  const created = await store.create(first);
  assert.ok(typeof created === 'object' && created.created);
  assert.deepEqual([created.row.status, created.row.toolCallCount, created.row.lastActivityAt, created.row.updatedAt, created.row.project], ['active', 0, 1_000, 2_000, 'web']);
  assert.equal(typeof created.row.profileId, 'number');
  const again = await store.create({ ...first, profile: null, type: 'lint' });
  assert.ok(typeof again === 'object' && !again.created);
  assert.deepEqual([again.existing.type, again.profileId], ['test', null], 'the stored row, untouched, and the would-be profile');
  assert.equal(await store.create(seed({ profile: { name: 'nobody' } })), 'UNKNOWN_PROFILE');
  assert.equal(await store.find('not-a-uuid'), undefined, 'a malformed id names no session');
  assert.equal(await store.find(randomUUID()), undefined);

  const ended = await store.update(first.id, (row) => ({ ...row, status: 'completed', exitCode: 0, endedAt: 5_000, outputLines: 3, errorCount: 1, updatedAt: 6_000, lastActivityAt: 5_000 }));
  assert.ok(typeof ended === 'object');
  assert.deepEqual([ended.status, ended.exitCode, ended.endedAt, ended.outputLines], ['completed', 0, 5_000, 3]);
  assert.equal(await store.update(randomUUID(), (row) => row), 'NOT_FOUND');
  await assert.rejects(store.update(first.id, () => {
    throw new Error('refused');
  }), /refused/);
  assert.equal((await store.find(first.id))?.status, 'completed', 'a throw in change aborts it');

  assert.equal(await store.remove(randomUUID()), false);
  assert.equal(await store.remove(first.id), true);
  assert.deepEqual(removed, [[first.id]]);
  assert.equal(await store.find(first.id), undefined);
  const { rows } = await ctx.pool.query<{ n: number }>("select coalesce(sum(rows), 0)::int as n from row_count_deltas where table_name = 'sessions'");
  assert.equal(rows[0]?.n, 1, 'one created; the removal hook appends its own delta');
});

test('PostgreSQL sessions: two replicas creating one id answer one created and one existing', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const other = { ...ctx, pool: ctx.database.pool(), db: ctx.database.db() };
  const hooks = { removeSessions: async () => undefined };
  const a = createPgSessionStore(ctx, hooks);
  const b = createPgSessionStore(other, hooks);
  for (let round = 0; round < 5; round++) {
    const input = seed();
    const answers = await Promise.all([a.create(input), b.create(input)]);
    const createdCount = answers.filter((x) => typeof x === 'object' && x.created).length;
    assert.equal(createdCount, 1, `round ${round}`);
  }
  const { rows } = await ctx.pool.query<{ n: number }>('select count(*)::int as n from sessions');
  assert.equal(rows[0]?.n, 5);
});

test('PostgreSQL sessions: list newest first with every filter, paged across equal start times without gaps or repeats', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const store = createPgSessionStore(ctx, { removeSessions: async () => undefined });
  await ctx.pool.query("insert into profiles (name, created_at, updated_at) values ('p', 1, 1)");
  const made: NewSession[] = [];
  for (let i = 0; i < 30; i++) {
    const input = seed({ startedAt: 10_000 + Math.floor(i / 4) * 1000, type: i % 3 === 0 ? 'lint' : 'test', project: i % 2 === 0 ? 'web' : null, profile: i % 5 === 0 ? { name: 'p' } : null });
    made.push(input);
    await store.create(input);
  }
  const expected = [...made].sort((x, y) => y.startedAt - x.startedAt || (x.id < y.id ? 1 : -1)).map((s) => s.id);
  const paged: string[] = [];
  let after: [number, string] | undefined;
  for (;;) {
    const page = await store.list({ limit: 7, ...(after ? { after } : {}) });
    paged.push(...page.map((s) => s.id));
    if (page.length < 7) break;
    const last = page[page.length - 1]!;
    after = [last.startedAt, last.id];
  }
  assert.deepEqual(paged, expected);
  const [profile] = (await ctx.pool.query<{ id: number }>("select id from profiles where name = 'p'")).rows;
  const filtered = await store.list({ limit: 100, type: 'lint', project: 'web', status: 'active', profileId: profile!.id, from: 10_000, to: 20_000 });
  const want = made.filter((s, i) => i % 3 === 0 && i % 2 === 0 && i % 5 === 0).map((s) => s.id).sort();
  assert.deepEqual(filtered.map((s) => s.id).sort(), want);
  assert.ok(want.length > 0);
});
