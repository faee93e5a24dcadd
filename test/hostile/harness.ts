import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { auth, createSession, problemOf, type TestApp } from '../helper.js';

/** Columns that a read may touch (key bookkeeping), left out of the "nothing was written" proof. */
const VOLATILE: Record<string, string[]> = { api_keys: ['last_used_at'] };

export type Snapshot = Map<string, string>;

/**
 * Every row of every table, as sorted text (some tables are WITHOUT ROWID): a failed request must
 * leave it identical. Staged tool calls are moved first, so a later group commit's move does not
 * count as a change.
 */
export function snapshot(app: TestApp): Snapshot {
  app.sqlite.settle();
  const sqlite = app.sqlite.db.$client;
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const snap: Snapshot = new Map();
  for (const table of tables) {
    const rows = sqlite.prepare(`SELECT * FROM "${table}"`).all() as Array<Record<string, unknown>>;
    for (const row of rows) for (const column of VOLATILE[table] ?? []) delete row[column];
    snap.set(table, JSON.stringify(rows.map((row) => JSON.stringify(row)).sort()));
  }
  return snap;
}

/** Row counts per table, for messages. */
export function counts(snap: Snapshot): Record<string, number> {
  return Object.fromEntries([...snap].map(([table, rows]) => [table, (JSON.parse(rows) as unknown[]).length]));
}

export function assertUnchanged(before: Snapshot, after: Snapshot, what: string): void {
  for (const [table, rows] of before) {
    if (after.get(table) !== rows) assert.fail(`${what}: table ${table} changed (${counts(before)[table]} → ${counts(after)[table]} rows)`);
  }
}

export type KeyRole = 'admin' | 'read' | 'ingest' | null;

export type BadRequest = {
  name: string;
  method: InjectOptions['method'];
  url: string;
  key?: KeyRole;
  /** A string is sent verbatim (with content-type application/json unless headers say otherwise). */
  payload?: string | Buffer | object;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** Optional: a JSON pointer that must appear in errors[].path. */
  path?: string;
};

export function injectOptions(app: TestApp, c: Pick<BadRequest, 'method' | 'url' | 'key' | 'payload' | 'headers'>): InjectOptions {
  const key = c.key === undefined ? 'admin' : c.key;
  const headers: Record<string, string> = { ...(key ? auth(app.keys[key]) : {}) };
  if (typeof c.payload === 'string' || Buffer.isBuffer(c.payload)) headers['content-type'] = 'application/json';
  Object.assign(headers, c.headers ?? {});
  for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
  return { method: c.method, url: c.url, headers, ...(c.payload === undefined ? {} : { payload: c.payload as string }) };
}

/** Sends one bad request and proves: the status, a full problem body with the code, and no write. */
export async function expectRejected(app: TestApp, c: BadRequest): Promise<void> {
  const before = snapshot(app);
  const res = await app.inject(injectOptions(app, c));
  assert.equal(res.statusCode, c.status, `${c.name}: expected ${c.status}, got ${res.statusCode} ${res.body.slice(0, 300)}`);
  const p = problemOf(res);
  assert.equal(typeof p.type, 'string');
  assert.equal(typeof p.title, 'string');
  assert.equal(typeof p.detail, 'string');
  assert.equal(p.code, c.code, `${c.name}: code ${p.code} (${p.detail})`);
  if (c.path) {
    const paths = (p.errors ?? []).map((e) => e.path);
    assert.ok(paths.includes(c.path), `${c.name}: errors ${JSON.stringify(paths)} lack ${c.path}`);
  }
  assertUnchanged(before, snapshot(app), c.name);
}

export type Fixture = { profileId: number; profileName: string; sessionId: string; endedSessionId: string; apiKeyId: string };

/** One profile, an active and an ended session, a tool call: targets for PATCH and DELETE cases. */
export async function seed(app: TestApp): Promise<Fixture> {
  const profile = await app.inject({ method: 'POST', url: '/v1/profiles', headers: auth(app.keys.admin), payload: { name: 'hostile-dev' } });
  assert.equal(profile.statusCode, 201, profile.body);
  const session = await createSession(app, { type: 'agent', profile: 'hostile-dev', project: 'p' });
  const ended = await createSession(app, { type: 'test' });
  const end = await app.inject({ method: 'PATCH', url: `/v1/sessions/${ended.id}`, headers: auth(app.keys.ingest), payload: { status: 'completed' } });
  assert.equal(end.statusCode, 200, end.body);
  const call = await app.inject({
    method: 'POST',
    url: '/v1/tool-calls',
    headers: auth(app.keys.ingest),
    payload: { sessionId: session.id, toolName: 'Read', durationMs: 1, status: 'success' },
  });
  assert.equal(call.statusCode, 200, call.body);
  const key = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(app.keys.admin), payload: { name: 'victim', role: 'read' } });
  assert.equal(key.statusCode, 201, key.body);
  return { profileId: (profile.json() as { id: number }).id, profileName: 'hostile-dev', sessionId: session.id, endedSessionId: ended.id, apiKeyId: (key.json() as { id: string }).id };
}

/** `depth` nested arrays around a value, as JSON text (built iteratively: no recursion). */
export function nestedArrays(depth: number, inner = '1'): string {
  return '['.repeat(depth) + inner + ']'.repeat(depth);
}

/** JSON text of an object with one property replaced by raw JSON text (for values JSON.stringify cannot write). */
export function withRaw(body: Record<string, unknown>, field: string, raw: string): string {
  const marker = '"__RAW__"';
  return JSON.stringify({ ...body, [field]: '__RAW__' }).replace(marker, raw);
}
