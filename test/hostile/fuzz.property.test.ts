/**
 * Property-based fuzzing of every write route (fast-check): mutated valid bodies (fields
 * dropped or replaced by random values, unknown and prototype keys added, huge and raw
 * numbers, strings with lone surrogates and NULs), batches of them, and arbitrary JSON.
 * Properties: never a 5xx; every 4xx is a full problem+json; a failed request changes no row
 * of any table; the database stays consistent (integrity_check, toolCallCount).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { auth, build, problemOf, type TestApp } from '../helper.js';
import { writeRoutes } from './bodies.js';
import { assertUnchanged, seed, snapshot, type Fixture } from './harness.js';
import { bodyFor, toJsonText, weirdString } from './fuzz-values.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const EXPECTED_4XX = new Set([400, 404, 409, 413, 414, 415, 422]);
const BATCH_ROUTES = new Set(['/v1/tool-calls', '/v1/productivity-events', '/v1/feature-usage']);

type Sent = { method: 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; key: string; text?: string };

/** Sends one request and checks the properties; returns the status. */
async function sendAndCheck(app: TestApp, req: Sent): Promise<number> {
  const before = snapshot(app);
  const res = await app.inject({
    method: req.method,
    url: req.url,
    headers: { ...auth(req.key), ...(req.text === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(req.text === undefined ? {} : { payload: req.text }),
  });
  const what = `${req.method} ${req.url} ${req.text?.slice(0, 400) ?? ''} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  assert.ok(res.statusCode < 500, `5xx: ${what}`);
  if (res.statusCode >= 400) {
    assert.ok(EXPECTED_4XX.has(res.statusCode), `unexpected status: ${what}`);
    problemOf(res);
    assertUnchanged(before, snapshot(app), what);
  } else {
    assert.doesNotThrow(() => res.statusCode === 204 || JSON.parse(res.body), what);
  }
  return res.statusCode;
}

function assertConsistent(app: TestApp): void {
  app.sqlite.settle();
  const sqlite = app.sqlite.db.$client;
  assert.equal(sqlite.pragma('integrity_check', { simple: true }), 'ok');
  const drift = sqlite
    .prepare('SELECT s.id FROM sessions s WHERE s.tool_call_count != (SELECT count(*) FROM tool_calls c WHERE c.session_id = s.id)')
    .all();
  assert.deepEqual(drift, [], 'toolCallCount equals the stored tool calls');
}

async function fuzzApp(t: { after: (fn: () => unknown) => void }): Promise<{ app: TestApp; fixture: Fixture }> {
  const app = await build(t, { maxBatch: 20 });
  return { app, fixture: await seed(app) };
}

test('fuzzed bodies on every write route: no 5xx, problem+json, no partial write', async (t) => {
  const { app, fixture } = await fuzzApp(t);
  const tally: Record<string, Record<number, number>> = {};
  for (const route of writeRoutes(fixture)) {
    await t.test(route.name, async () => {
      const counts: Record<number, number> = (tally[route.name] = {});
      await fc.assert(
        fc.asyncProperty(bodyFor(route.body, BATCH_ROUTES.has(route.url)), async (body) => {
          let url = route.url;
          // Each PATCH of a session gets a fresh active one (an ended session only answers 409).
          if (route.method === 'PATCH' && url.startsWith('/v1/sessions/')) {
            url = `/v1/sessions/${(await app.services.sessions.create({ type: 'test' })).session.id}`;
          }
          const status = await sendAndCheck(app, { method: route.method, url, key: app.keys[route.key ?? 'admin'], text: toJsonText(body) });
          counts[status] = (counts[status] ?? 0) + 1;
        }),
        { numRuns: RUNS },
      );
      // The generator must reach both sides: valid bodies succeed, broken ones are refused.
      const statuses = Object.keys(counts).map(Number);
      assert.ok(statuses.some((s) => s < 300), `${route.name} never succeeded: ${JSON.stringify(counts)}`);
      assert.ok(statuses.some((s) => s >= 400), `${route.name} never refused: ${JSON.stringify(counts)}`);
    });
  }
  assertConsistent(app);
  t.diagnostic(`statuses per route: ${JSON.stringify(tally)}`);
});

test('?partial=true stores exactly the accepted items, and the rest writes nothing', async (t) => {
  const { app, fixture } = await fuzzApp(t);
  const routes = writeRoutes(fixture).filter((r) => BATCH_ROUTES.has(r.url));
  const tables: Record<string, string> = { '/v1/tool-calls': 'tool_calls', '/v1/productivity-events': 'productivity_events', '/v1/feature-usage': 'feature_usage' };
  // Staged tool calls count as stored: each count moves them into tool_calls first, as every reader does.
  const rows = (table: string) => (app.sqlite.settle(), app.sqlite.db.$client.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);
  for (const route of routes) {
    await fc.assert(
      fc.asyncProperty(bodyFor(route.body, true), async (body) => {
        const table = tables[route.url] as string;
        const before = rows(table);
        const res = await app.inject({ method: 'POST', url: `${route.url}?partial=true`, headers: { ...auth(app.keys.ingest), 'content-type': 'application/json' }, payload: toJsonText(body) });
        assert.ok(res.statusCode < 500, res.body);
        if (res.statusCode === 200) {
          const result = res.json() as { accepted: number; duplicates: number; rejected: unknown[] };
          assert.equal(rows(table) - before, result.accepted, `${route.url}: rows added = accepted`);
        } else {
          problemOf(res);
          assert.equal(rows(table), before);
        }
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  }
  assertConsistent(app);
});

test('fuzzed path ids and query flags on DELETE and POST routes: no 5xx', async (t) => {
  const { app } = await fuzzApp(t);
  const admin = app.keys.admin;
  // Percent-encoded text, plus encodings a decoder must refuse (bad escapes, overlong dots, a surrogate, NUL).
  const segment = fc.oneof(
    weirdString.filter((s) => s.length > 0).map((s) => encodeURIComponent((s as unknown as { toWellFormed(): string }).toWellFormed())),
    fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%AE%C0%AE', '%00', '..', '.', '%2e%2e', '%2F', '%FF%FE'),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('/v1/sessions/', '/v1/api-keys/', '/v1/profiles/'),
      segment,
      fc.option(fc.tuple(fc.constantFrom('cascade', 'x', '__proto__'), segment), { nil: undefined }),
      async (base, id, query) => {
        const url = `${base}${id}${query ? `?${query[0]}=${query[1]}` : ''}`;
        const status = await sendAndCheck(app, { method: 'DELETE', url, key: admin });
        assert.ok(status !== 204 || !base.startsWith('/v1/api-keys/'), 'no random id deletes a key');
      },
    ),
    { numRuns: RUNS },
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('/v1/tool-calls', '/v1/retention/run', '/v1/feature-usage'), segment, async (base, value) => {
      const flag = base === '/v1/retention/run' ? 'dryRun' : 'partial';
      await sendAndCheck(app, { method: 'POST', url: `${base}?${flag}=${value}`, key: admin, text: '{}' });
    }),
    { numRuns: RUNS },
  );
});

test('arbitrary text as a JSON body: a 400 or 413, never a 5xx', async (t) => {
  const { app, fixture } = await fuzzApp(t);
  const routes = writeRoutes(fixture);
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json().map((j) => j.slice(0, -1))), async (route, text) => {
      await sendAndCheck(app, { method: route.method, url: route.url, key: app.keys[route.key ?? 'admin'], text });
    }),
    { numRuns: RUNS },
  );
});
