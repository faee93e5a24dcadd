import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { auth, build, problemOf, type TestApp } from '../helper.js';

type KeyView = { id: string; name: string; role: string; prefix: string; createdAt: string; lastUsedAt: string | null; expiresAt: string | null; revokedAt: string | null };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const HOUR = 3_600_000;

async function createKey(app: TestApp, payload: object, key = app.keys.admin) {
  return app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(key), payload });
}

function keyRows(app: TestApp) {
  return app.sqlite.db.$client.prepare('select * from api_keys').all() as Array<Record<string, unknown>>;
}

test('POST /v1/api-keys answers 201 with the key once; only its hash is stored', async (t) => {
  const app = await build(t);
  const res = await createKey(app, { name: 'ci-runner', role: 'ingest' });
  assert.equal(res.statusCode, 201);
  const body = res.json();
  assert.match(body.key, /^dfa_[A-Za-z0-9_-]{40,}$/);
  assert.equal(body.prefix, body.key.slice(0, body.prefix.length));
  assert.ok(body.prefix.length >= 8 && body.prefix.length < 16, 'the prefix is a short part of the key');
  assert.deepEqual(
    { name: body.name, role: body.role, lastUsedAt: body.lastUsedAt, expiresAt: body.expiresAt, revokedAt: body.revokedAt },
    { name: 'ci-runner', role: 'ingest', lastUsedAt: null, expiresAt: null, revokedAt: null },
  );
  assert.match(body.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.equal(body.hash, undefined);
  assert.ok(!res.body.includes(sha256(body.key)), 'the hash is never returned');

  const row = keyRows(app).find((r) => r.id === body.id);
  assert.ok(row);
  assert.equal(row.hash, sha256(body.key));
  for (const value of Object.values(row)) assert.notEqual(value, body.key, 'the key in clear is stored nowhere');

  const second = await createKey(app, { name: 'ci-runner', role: 'ingest' });
  assert.notEqual(second.json().key, body.key, 'every key is new');
});

test('a created key works at once with its role', async (t) => {
  const app = await build(t);
  const admin = (await createKey(app, { name: 'second-admin', role: 'admin' })).json();
  assert.equal((await app.inject({ url: '/v1/api-keys', headers: auth(admin.key) })).statusCode, 200);
  const read = (await createKey(app, { name: 'reader', role: 'read' })).json();
  assert.equal((await app.inject({ url: '/v1/api-keys', headers: auth(read.key) })).statusCode, 403);
});

test('expiresAt: a future time of any distance is kept, a past or unreal one is a 400 that writes nothing', async (t) => {
  const app = await build(t);
  const inAYear = new Date(Date.now() + 365 * 24 * HOUR);
  const iso = await createKey(app, { name: 'yearly', role: 'read', expiresAt: inAYear.toISOString() });
  assert.equal(iso.statusCode, 201, iso.body);
  assert.equal(iso.json().expiresAt, inAYear.toISOString());
  const withOffset = await createKey(app, { name: 'offset', role: 'read', expiresAt: '2099-01-01T02:00:00+02:00' });
  assert.equal(withOffset.json().expiresAt, '2099-01-01T00:00:00.000Z');
  const epochMs = Date.now() + HOUR;
  const ms = await createKey(app, { name: 'ms', role: 'read', expiresAt: epochMs });
  assert.equal(ms.json().expiresAt, new Date(epochMs).toISOString());

  const before = keyRows(app).length;
  const bad = [
    new Date(Date.now() - 1000).toISOString(),
    Date.now() - 1000,
    '2099-02-30T00:00:00Z',
    '2099-01-01T00:00:00',
    '2099-01-01',
    '4102444800000',
    1_000_000,
    1.5e12 + 0.5,
    'soon',
  ];
  for (const expiresAt of bad) {
    const res = await createKey(app, { name: 'bad', role: 'read', expiresAt });
    assert.equal(res.statusCode, 400, `${String(expiresAt)}: ${res.body}`);
    const p = problemOf(res);
    assert.equal(p.code, 'VALIDATION_FAILED');
    assert.equal(p.errors?.[0]?.path, '/expiresAt', String(expiresAt));
  }
  const past = problemOf(await createKey(app, { name: 'bad', role: 'read', expiresAt: Date.now() - 1000 }));
  assert.equal(past.errors?.[0]?.message, 'must be in the future');
  assert.equal(keyRows(app).length, before, 'nothing was written');
});

test('create validates name and role strictly', async (t) => {
  const app = await build(t);
  const before = keyRows(app).length;
  for (const payload of [{}, { name: 'x' }, { role: 'read' }, { name: '', role: 'read' }, { name: 'x'.repeat(101), role: 'read' }, { name: 'x', role: 'root' }, { name: 'x', role: 'READ' }, { name: 'x', role: 'read', key: 'dfa_mine' }]) {
    const res = await createKey(app, payload);
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.equal(problemOf(res).code, 'VALIDATION_FAILED');
  }
  assert.equal(keyRows(app).length, before);
});

test('GET /v1/api-keys lists without secrets, newest first, with prefix and lastUsedAt', async (t) => {
  let clock = Date.now();
  const app = await build(t, {}, { now: () => clock });
  const list = async () => (await app.inject({ url: '/v1/api-keys', headers: auth(app.keys.admin) })).json() as { items: KeyView[]; nextCursor: string | null };
  const first = await list();
  assert.deepEqual(first.items.map((k) => k.name), ['test-ingest', 'test-read']);
  assert.equal(first.nextCursor, null);
  for (const item of first.items) {
    assert.deepEqual(Object.keys(item).sort(), ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role']);
    assert.equal(item.lastUsedAt, null);
    assert.ok(item.prefix.startsWith('dfa_'));
  }
  const raw = JSON.stringify(first);
  assert.ok(!raw.includes(app.keys.read) && !raw.includes(sha256(app.keys.read)), 'no key material in the list');

  // lastUsedAt follows use, at most once a minute (reads do not become writes).
  const usedAt = clock;
  await app.inject({ url: '/v1/no-such-route', headers: auth(app.keys.read) });
  const readKey = () => keyRows(app).find((r) => r.name === 'test-read');
  assert.equal(readKey()?.last_used_at, usedAt);
  clock += 30_000;
  await app.inject({ url: '/v1/no-such-route', headers: auth(app.keys.read) });
  assert.equal(readKey()?.last_used_at, usedAt, 'not written again within a minute');
  clock += 31_000;
  await app.inject({ url: '/v1/no-such-route', headers: auth(app.keys.read) });
  assert.equal(readKey()?.last_used_at, clock);
  const after = await list();
  assert.equal(after.items.find((k) => k.name === 'test-read')?.lastUsedAt, new Date(clock).toISOString());
});

test('the key list pages by keyset with an opaque cursor, stable under inserts', async (t) => {
  let clock = Date.now();
  const app = await build(t, {}, { now: () => clock });
  for (let i = 0; i < 7; i++) {
    clock += i % 3 === 0 ? 0 : 1; // some share a createdAt: the id breaks the tie
    await app.services.apiKeys.create({ name: `k${i}`, role: 'read' });
  }
  const seen: KeyView[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `/v1/api-keys?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await app.inject({ url, headers: auth(app.keys.admin) });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { items: KeyView[]; nextCursor: string | null };
    assert.ok(body.items.length <= 3);
    seen.push(...body.items);
    cursor = body.nextCursor;
    if (pages === 0) {
      clock += 10;
      await app.services.apiKeys.create({ name: 'late', role: 'read' }); // newer than page one: not in this walk
    }
    pages++;
  } while (cursor);
  assert.equal(pages, 3);
  assert.equal(seen.length, 9, '7 + test-read + test-ingest, each once');
  assert.equal(new Set(seen.map((k) => k.id)).size, 9);
  assert.ok(!seen.some((k) => k.name === 'late'));
  const order = seen.map((k) => [Date.parse(k.createdAt), k.id] as const);
  for (let i = 1; i < order.length; i++) {
    const [a, b] = [order[i - 1]!, order[i]!];
    assert.ok(a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]), 'newest first, id as tiebreaker');
  }

  for (const query of ['limit=0', 'limit=501', 'limit=x', 'cursor=not-a-cursor', 'cursor=', 'extra=1']) {
    const res = await app.inject({ url: `/v1/api-keys?${query}`, headers: auth(app.keys.admin) });
    assert.equal(res.statusCode, 400, query);
    problemOf(res);
  }
});

test('DELETE /v1/api-keys/{id} revokes at once: 204, then the key is a 401', async (t) => {
  const app = await build(t);
  const created = (await createKey(app, { name: 'to-revoke', role: 'admin' })).json();
  assert.equal((await app.inject({ url: '/v1/api-keys', headers: auth(created.key) })).statusCode, 200);

  const res = await app.inject({ method: 'DELETE', url: `/v1/api-keys/${created.id.toUpperCase()}`, headers: auth(app.keys.admin) });
  assert.equal(res.statusCode, 204);
  assert.equal(res.body, '');
  const refused = await app.inject({ url: '/v1/api-keys', headers: auth(created.key) });
  assert.equal(refused.statusCode, 401);
  assert.equal(refused.headers['www-authenticate'], 'Bearer');
  assert.equal(problemOf(refused).code, 'UNAUTHORIZED');

  const listed = (await app.inject({ url: '/v1/api-keys', headers: auth(app.keys.admin) })).json().items.find((k: KeyView) => k.id === created.id);
  assert.match(listed.revokedAt, /Z$/);
  const again = await app.inject({ method: 'DELETE', url: `/v1/api-keys/${created.id}`, headers: auth(app.keys.admin) });
  assert.equal(again.statusCode, 204, 'revoking twice is harmless');
});

test('a key revoked by another connection (the CLI, another process) is refused on the very next request', async (t) => {
  const app = await build(t);
  const created = (await createKey(app, { name: 'elsewhere', role: 'read' })).json();
  const other = new Database(join(app.dir, 'analytics.db'));
  t.after(() => other.close());
  const use = async () => (await app.inject({ url: '/v1/no-such-route', headers: auth(created.key) })).statusCode;
  // Warm: the key has been looked up, and the app's own writes (which leave data_version alone) came between.
  for (let i = 0; i < 3; i++) assert.equal(await use(), 404);
  await app.inject({ method: 'POST', url: '/v1/sessions', headers: auth(app.keys.ingest), payload: { type: 'test' } });
  assert.equal(await use(), 404);
  // Another connection writing elsewhere does not disturb valid keys.
  other.prepare("insert into profiles (name, created_at, updated_at) values ('p', 1, 1)").run();
  assert.equal(await use(), 404);
  // Requests that arrive together share one look at data_version (made after they arrived).
  assert.deepEqual(await Promise.all(Array.from({ length: 10 }, use)), Array(10).fill(404));
  other.prepare('update api_keys set revoked_at = ? where id = ?').run(Date.now(), created.id);
  assert.deepEqual(await Promise.all(Array.from({ length: 10 }, use)), Array(10).fill(401));
  assert.equal(await use(), 401);
  assert.equal((await app.inject({ url: '/v1/no-such-route', headers: auth(app.keys.read) })).statusCode, 404, 'other keys still work');
});

test('revoking an unknown id is a 404, a malformed id a 400', async (t) => {
  const app = await build(t);
  const unknown = await app.inject({ method: 'DELETE', url: '/v1/api-keys/0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d', headers: auth(app.keys.admin) });
  assert.equal(unknown.statusCode, 404);
  assert.equal(problemOf(unknown).code, 'NOT_FOUND');
  const malformed = await app.inject({ method: 'DELETE', url: '/v1/api-keys/not-a-uuid', headers: auth(app.keys.admin) });
  assert.equal(malformed.statusCode, 400);
  assert.equal(problemOf(malformed).code, 'VALIDATION_FAILED');
});

test('an expired key is refused from its expiry on', async (t) => {
  let clock = Date.now();
  const app = await build(t, {}, { now: () => clock });
  const created = (await createKey(app, { name: 'short-lived', role: 'admin', expiresAt: clock + 60_000 })).json();
  assert.equal((await app.inject({ url: '/v1/api-keys', headers: auth(created.key) })).statusCode, 200);
  clock += 60_000;
  const res = await app.inject({ url: '/v1/api-keys', headers: auth(created.key) });
  assert.equal(res.statusCode, 401);
  assert.equal(problemOf(res).code, 'UNAUTHORIZED');
});

test('key management is admin only: read and ingest keys get 403 and change nothing', async (t) => {
  const app = await build(t);
  const target = await app.services.apiKeys.create({ name: 'target', role: 'read' });
  for (const role of ['read', 'ingest'] as const) {
    const headers = auth(app.keys[role]);
    const responses = [
      await app.inject({ method: 'POST', url: '/v1/api-keys', headers, payload: { name: 'escalate', role: 'admin' } }),
      await app.inject({ method: 'GET', url: '/v1/api-keys', headers }),
      await app.inject({ method: 'DELETE', url: `/v1/api-keys/${target.id}`, headers }),
    ];
    for (const res of responses) {
      assert.equal(res.statusCode, 403, role);
      assert.equal(problemOf(res).code, 'FORBIDDEN');
    }
  }
  assert.ok(!keyRows(app).some((r) => r.name === 'escalate'));
  assert.equal(keyRows(app).find((r) => r.id === target.id)?.revoked_at, null);
});
