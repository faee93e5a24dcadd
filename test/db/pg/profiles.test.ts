import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { DEV_SESSION_TYPES } from '../../../src/db/row-types.js';
import { createPgProfileStore } from '../../../src/db/pg/profiles.js';
import type { AuditInput, ProfileValues } from '../../../src/db/store.js';
import { freshPgContext } from '../../support/pg.js';

const values = (name: string, over: Partial<ProfileValues> = {}): ProfileValues => ({ name, description: null, enabled: true, autoSave: false, debugMode: false, ...over });
const audit = (actor = 'admin'): AuditInput => ({ actor, at: 5, changes: (row) => ({ name: { from: null, to: row.name } }) });
const noCascade = { removeSessionsOf: async () => assert.fail('no cascade expected') };

async function rowCount(ctx: { pool: pg.Pool }): Promise<number> {
  const { rows } = await ctx.pool.query<{ n: number }>("SELECT coalesce(sum(rows), 0)::int8 AS n FROM row_count_deltas WHERE table_name = 'profiles'");
  return Number(rows[0]!.n);
}

test('profiles: create, find, list by name with keyset, audit; NAME_TAKEN; row counts', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const store = createPgProfileStore(ctx, noCascade);
  const b = await store.create(values('b'), 10, audit());
  assert.ok(typeof b === 'object');
  await store.create(values('a', { enabled: false }), 11, audit());
  await store.create(values('c'), 12, audit());
  assert.equal(await store.create(values('b'), 13, audit()), 'NAME_TAKEN');
  assert.deepEqual(await store.find({ name: 'b' }), b);
  assert.deepEqual(await store.find({ id: b.id }), b);
  assert.deepEqual((await store.list({ limit: 10 })).map((p) => p.name), ['a', 'b', 'c']);
  assert.deepEqual((await store.list({ after: 'a', limit: 1 })).map((p) => p.name), ['b']);
  assert.deepEqual((await store.list({ enabled: true, limit: 10 })).map((p) => p.name), ['b', 'c']);
  const trail = await store.audit(b.id, { limit: 10 });
  assert.deepEqual(trail.map((r) => [r.action, r.actor, r.changes]), [['create', 'admin', { name: { from: null, to: 'b' } }]]);
  assert.equal(await rowCount(ctx), 3);
});

test('profiles: two concurrent creates of one name: one NAME_TAKEN', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const a = createPgProfileStore(ctx, noCascade);
  const b = createPgProfileStore({ ...ctx, db: ctx.database.db() }, noCascade);
  const answers = await Promise.all([a.create(values('x'), 1, audit()), b.create(values('x'), 1, audit())]);
  assert.equal(answers.filter((r) => r === 'NAME_TAKEN').length, 1);
  const { rows } = await ctx.pool.query('SELECT count(*)::int8 AS n FROM profile_audit');
  assert.equal(Number(rows[0].n), 1, 'the loser wrote no audit entry');
});

test('profiles: update sees the row, writes audit, answers NOT_FOUND / NAME_TAKEN; a throw aborts', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const store = createPgProfileStore(ctx, noCascade);
  const p = await store.create(values('p'), 1, audit());
  await store.create(values('q'), 1, audit());
  assert.ok(typeof p === 'object');
  assert.equal(await store.update({ name: 'nope' }, () => null), 'NOT_FOUND');
  assert.deepEqual(await store.update({ id: p.id }, () => null), p);
  assert.equal(await store.update({ id: p.id }, (before) => ({ values: { ...before, name: 'q' }, updatedAt: 2, audit: audit() })), 'NAME_TAKEN');
  await assert.rejects(store.update({ id: p.id }, () => { throw new Error('refused'); }), /refused/);
  const after = await store.update({ id: p.id }, (before) => ({ values: { ...before, description: `was ${before.name}` }, updatedAt: 3, audit: audit('u') }));
  assert.ok(typeof after === 'object');
  assert.equal(after.description, 'was p');
  assert.equal(after.updatedAt, 3);
  assert.deepEqual((await store.audit(p.id, { limit: 10 })).map((r) => r.action), ['update', 'create']);
  const [newest] = await store.audit(p.id, { limit: 1 });
  assert.deepEqual((await store.audit(p.id, { after: newest!.id, limit: 10 })).map((r) => r.action), ['create']);
});

test('profiles: remove (no sessions), decide sees the count, deletedProfileId, row counts', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const store = createPgProfileStore(ctx, noCascade);
  const p = await store.create(values('gone'), 1, audit());
  assert.ok(typeof p === 'object');
  assert.equal(await store.remove({ name: 'nope' }, () => ({ cascade: false, audit: audit() })), 'NOT_FOUND');
  await assert.rejects(store.remove({ id: p.id }, () => { throw new Error('refused'); }), /refused/);
  assert.ok(await store.find({ id: p.id }));
  let seen = -1;
  assert.deepEqual(await store.remove({ id: p.id }, (_row, n) => { seen = n; return { cascade: true, audit: audit() }; }), p);
  assert.equal(seen, 0);
  assert.equal(await store.find({ id: p.id }), undefined);
  assert.equal(await store.deletedProfileId({ name: 'gone' }), p.id);
  assert.equal(await store.deletedProfileId({ id: p.id }), p.id);
  assert.equal(await store.deletedProfileId({ name: 'other' }), undefined);
  assert.equal(await rowCount(ctx), 0);
});

test('profiles: remove with cascade runs removeSessionsOf in the same transaction; decide sees the session count', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  let calls = 0;
  const store = createPgProfileStore(ctx, {
    removeSessionsOf: async (tx, profileId) => {
      calls++;
      await tx.execute(sql`DELETE FROM sessions WHERE profile_id = ${profileId}`);
    },
  });
  const p = await store.create(values('owner'), 1, audit());
  assert.ok(typeof p === 'object');
  const [type] = DEV_SESSION_TYPES;
  await ctx.pool.query('INSERT INTO sessions (id, profile_id, type, started_at, updated_at, last_activity_at) VALUES ($1, $2, $3, 1, 1, 1)', ['00000000-0000-7000-8000-000000000001', p.id, type]);
  // A refusal by decide removes nothing.
  await assert.rejects(store.remove({ id: p.id }, () => { throw new Error('refused'); }), /refused/);
  let seen = -1;
  await store.remove({ id: p.id }, (_row, n) => { seen = n; return { cascade: true, audit: audit() }; });
  assert.equal(seen, 1);
  assert.equal(calls, 1);
  const { rows } = await ctx.pool.query('SELECT (SELECT count(*) FROM sessions)::int8 AS s, (SELECT count(*) FROM profiles)::int8 AS p');
  assert.deepEqual([Number(rows[0].s), Number(rows[0].p)], [0, 0]);
});
