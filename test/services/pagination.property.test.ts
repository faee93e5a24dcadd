import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEV_SESSION_TYPES as SESSION_TYPES } from '../../src/db/row-types.js';
import type { SessionView } from '../../src/services/sessions.js';
import { build, type TestApp } from '../helper.js';

/**
 * Keyset pagination, checked as properties: walking the cursors returns every row exactly once
 * in the documented order, and rows inserted between pages never cause a row to be skipped or
 * repeated (a new row shows up iff it sorts after the last row already returned).
 */

const T0 = Date.parse('2026-01-10T00:00:00.000Z');
const RUNS = 60;

const sessionArb = fc.record({
  id: fc.uuid(),
  // Few distinct start times, so ties (ordered by id) are common.
  offset: fc.integer({ min: 0, max: 6 }),
  type: fc.constantFrom(...SESSION_TYPES),
  profile: fc.option(fc.constantFrom('p-a', 'p-b'), { nil: undefined }),
  ended: fc.boolean(),
});
type Gen = { id: string; offset: number; type: (typeof SESSION_TYPES)[number]; profile?: string; ended: boolean };

const filterArb = fc.oneof(
  fc.constant({}),
  fc.record({ type: fc.constantFrom(...SESSION_TYPES) }),
  fc.record({ profile: fc.constantFrom('p-a', 'p-b') }),
  fc.record({ status: fc.constantFrom('active' as const, 'completed' as const) }),
);
type Filter = { type?: Gen['type']; profile?: string; status?: 'active' | 'completed' };

type Key = [number, string];
const keyOf = (s: SessionView): Key => [Date.parse(s.startedAt), s.id];
/** Newest first: startedAt desc, then id desc. Negative when a comes first. */
const order = (a: Key, b: Key) => (a[0] !== b[0] ? b[0] - a[0] : a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0);

async function reset(app: TestApp): Promise<void> {
  app.sqlite.db.$client.exec('delete from sessions; delete from profile_audit; delete from profiles;');
  for (const name of ['p-a', 'p-b']) await app.services.profiles.create({ name }, 'test');
}

/** Inserts a generated session (ending some); null when its id was already drawn. */
async function insert(app: TestApp, g: Gen): Promise<SessionView | null> {
  const { sessions } = app.services;
  try {
    if (!(await sessions.create({ id: g.id, type: g.type, profile: g.profile, startedAt: T0 + g.offset * 1000 })).created) return null;
  } catch {
    return null; // the same id with other fields: a 409, not what this test is about
  }
  return g.ended ? sessions.update(g.id, { status: 'completed', endedAt: T0 + 10_000 }) : sessions.get(g.id);
}

/** Inserts them in order; the ones that were stored. */
async function insertAll(app: TestApp, gens: Gen[]): Promise<SessionView[]> {
  const out: SessionView[] = [];
  for (const g of gens) {
    const row = await insert(app, g);
    if (row) out.push(row);
  }
  return out;
}

const matches = (s: SessionView, f: Filter, profileIds: Record<string, number>) =>
  (f.type === undefined || s.type === f.type) &&
  (f.status === undefined || s.status === f.status) &&
  (f.profile === undefined || s.profileId === profileIds[f.profile]);

test('sessions: walking the cursors yields every matching row once, newest first', async (t) => {
  const app = await build(t);
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(sessionArb, { selector: (s) => s.id, maxLength: 30 }), fc.integer({ min: 1, max: 7 }), filterArb, async (gens, limit, filter: Filter) => {
      await reset(app);
      const all = await insertAll(app, gens);
      const ids = { 'p-a': (await app.services.profiles.get('p-a')).id, 'p-b': (await app.services.profiles.get('p-b')).id };
      const expected = all.filter((s) => matches(s, filter, ids)).sort((a, b) => order(keyOf(a), keyOf(b)));
      const seen: SessionView[] = [];
      let cursor: string | undefined;
      do {
        assert.ok(seen.length <= all.length, 'the walk must end');
        const page = await app.services.sessions.list({ ...filter, limit, cursor });
        assert.ok(page.items.length <= limit);
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.deepEqual(seen.map((s) => s.id), expected.map((s) => s.id));
    }),
    { numRuns: RUNS },
  );
});

test('sessions: rows inserted between pages are never skipped or repeated', async (t) => {
  const app = await build(t);
  const batchesArb = fc.array(fc.array(sessionArb, { maxLength: 4 }), { maxLength: 8 });
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(sessionArb, { selector: (s) => s.id, maxLength: 25 }), batchesArb, fc.integer({ min: 1, max: 5 }), async (initial, batches, limit) => {
      await reset(app);
      const before = await insertAll(app, initial);
      const seen: SessionView[] = [];
      const later: Array<{ row: SessionView; after: Key }> = [];
      let cursor: string | undefined;
      let round = 0;
      do {
        assert.ok(seen.length <= before.length + later.length, 'the walk must end');
        const page = await app.services.sessions.list({ limit, cursor });
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        const last = seen.at(-1);
        for (const g of cursor && last ? (batches[round++] ?? []) : []) {
          const row = await insert(app, g);
          if (row) later.push({ row, after: keyOf(last!) });
        }
      } while (cursor);
      const seenIds = seen.map((s) => s.id);
      assert.equal(new Set(seenIds).size, seenIds.length, 'no row twice');
      for (let i = 1; i < seen.length; i++) assert.ok(order(keyOf(seen[i - 1]!), keyOf(seen[i]!)) < 0, 'strictly in order');
      for (const s of before) assert.ok(seenIds.includes(s.id), `row present from the start was skipped: ${s.id}`);
      for (const { row, after } of later) {
        assert.equal(seenIds.includes(row.id), order(after, keyOf(row)) < 0, 'a new row appears iff it sorts after the cursor');
      }
    }),
    { numRuns: RUNS },
  );
});

const nameArb = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,9}$/).filter((n) => !/^\d+$/.test(n));

test('profiles: by name ascending, with ?enabled and with inserts between pages', async (t) => {
  const app = await build(t);
  const { profiles } = app.services;
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.record({ name: nameArb, enabled: fc.boolean() }), { selector: (p) => p.name, maxLength: 25 }),
      fc.array(fc.record({ name: nameArb, enabled: fc.boolean() }), { maxLength: 10 }),
      fc.integer({ min: 1, max: 6 }),
      fc.option(fc.boolean(), { nil: undefined }),
      async (initial, extra, limit, enabled) => {
        app.sqlite.db.$client.exec('delete from sessions; delete from profile_audit; delete from profiles;');
        for (const p of initial) await profiles.create({ name: p.name, config: { enabled: p.enabled } }, 'test');
        const names = new Set(initial.map((p) => p.name));
        const seen: string[] = [];
        const later: Array<{ name: string; enabled: boolean; after: string }> = [];
        let cursor: string | undefined;
        do {
          assert.ok(seen.length <= names.size, 'the walk must end');
          const page = await profiles.list({ enabled, limit, cursor });
          seen.push(...page.items.map((p) => p.name));
          cursor = page.nextCursor ?? undefined;
          const p = extra.shift();
          if (cursor && p && !names.has(p.name)) {
            names.add(p.name);
            await profiles.create({ name: p.name, config: { enabled: p.enabled } }, 'test');
            later.push({ ...p, after: seen.at(-1)! });
          }
        } while (cursor);
        const wanted = (p: { enabled: boolean }) => enabled === undefined || p.enabled === enabled;
        const expectedStart = initial.filter(wanted).map((p) => p.name);
        assert.deepEqual([...seen].sort(), seen, 'ascending by name');
        assert.equal(new Set(seen).size, seen.length, 'no name twice');
        for (const n of expectedStart) assert.ok(seen.includes(n), `skipped ${n}`);
        for (const p of later) assert.equal(seen.includes(p.name), wanted(p) && p.name > p.after, `late insert ${p.name}`);
        assert.equal(seen.length, expectedStart.length + later.filter((p) => wanted(p) && p.name > p.after).length);
      },
    ),
    { numRuns: RUNS },
  );
});
