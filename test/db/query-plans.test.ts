import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Statement } from 'better-sqlite3';
import { auth, build, type TestApp } from '../helper.js';

const T0 = Date.parse('2026-01-10T00:00:00.000Z');
type Captured = { sql: string; params: unknown[] };

/**
 * Records every statement the services run, so the plans checked are those of the real
 * queries (as Drizzle writes them), not hand-copied SQL.
 */
function captureQueries(app: TestApp): { take: () => Captured[]; plan: (q: Captured) => string[] } {
  const sqlite = app.sqlite.db.$client;
  const prepare = sqlite.prepare.bind(sqlite);
  let seen: Captured[] = [];
  sqlite.prepare = ((source: string) => {
    const stmt = prepare(source) as Statement;
    for (const method of ['all', 'get', 'run', 'iterate'] as const) {
      const original = (stmt[method] as (...a: unknown[]) => unknown).bind(stmt);
      (stmt as unknown as Record<string, unknown>)[method] = (...params: unknown[]) => {
        seen.push({ sql: source, params });
        return original(...params);
      };
    }
    return stmt;
  }) as typeof sqlite.prepare;
  return {
    plan: (q) => (prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.params as never[])) as Array<{ detail: string }>).map((r) => r.detail),
    take: () => {
      const out = seen;
      seen = [];
      return out;
    },
  };
}

/** Seeds a realistic spread so ANALYZE gives the planner real statistics. */
function seed(app: TestApp, analyze: boolean): void {
  const sqlite = app.sqlite.db.$client;
  sqlite.prepare("insert into profiles (name, enabled, auto_save, debug_mode, created_at, updated_at) values ('p0', 1, 0, 0, 0, 0), ('p1', 0, 0, 0, 0, 0), ('p2', 1, 0, 0, 0, 0)").run();
  const insert = sqlite.prepare(
    'insert into sessions (id, profile_id, type, status, project, started_at, ended_at, updated_at, last_activity_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const types = ['repl', 'profile', 'test', 'watch', 'lint', 'typecheck', 'mcp', 'agent'];
  const statuses = ['completed', 'completed', 'completed', 'failed', 'cancelled', 'active'];
  sqlite.transaction(() => {
    for (let i = 0; i < 3000; i++) {
      const started = T0 + i * 60_000;
      const status = statuses[i % statuses.length]!;
      const id = `0193a0b2-${String(i).padStart(4, '0')}-7000-8000-000000000000`;
      insert.run(id, i % 4 === 3 ? null : (i % 3) + 1, types[i % types.length], status, `proj-${i % 20}`, started, status === 'active' ? null : started + 1000, started, started);
    }
  })();
  if (analyze) sqlite.exec('ANALYZE');
}

const PATTERNS: Array<[string, string]> = [
  ['profile by name', '/v1/profiles/p1'],
  ['profile by id', '/v1/profiles/2'],
  ['profiles by enabled, next page', '/v1/profiles?enabled=true&limit=1&cursor=WyJwMCJd'],
  ['audit of a profile', '/v1/profiles/p0/audit'],
  ['active sessions of a profile', '/v1/sessions?profile=p0&status=active'],
  ['sessions of a profile', '/v1/sessions?profile=p1'],
  ['recent sessions', '/v1/sessions?limit=20'],
  ['sessions by type over a time range', `/v1/sessions?type=test&from=${T0}&to=${T0 + 86_400_000}`],
  ['sessions by status over a time range', `/v1/sessions?status=failed&from=${T0}&to=${T0 + 86_400_000}`],
  ['sessions by project over a time range', `/v1/sessions?project=proj-3&from=${T0}&to=${T0 + 86_400_000}`],
  ['sessions by type, status and project', '/v1/sessions?type=lint&status=completed&project=proj-4'],
];

for (const analyzed of [false, true]) {
  test(`every profile and session query uses an index (${analyzed ? 'with' : 'without'} statistics)`, async (t) => {
    const app = await build(t);
    seed(app, analyzed);
    const capture = captureQueries(app);
    for (const [name, url] of PATTERNS) {
      const res = await app.inject({ method: 'GET', url, headers: auth(app.keys.admin) });
      assert.ok(res.statusCode === 200 || res.statusCode === 404, `${name}: ${res.statusCode} ${res.body}`);
      let next = res.json().nextCursor as string | null | undefined;
      if (next) await app.inject({ method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}cursor=${next}`, headers: auth(app.keys.admin) });
      next = undefined;
      const queries = capture.take().filter((q) => /\bfrom\s+"?(sessions|profiles|profile_audit)"?/i.test(q.sql) && !/api_keys/.test(q.sql));
      assert.ok(queries.length > 0, `${name}: no query captured`);
      for (const q of queries) {
        const plan = capture.plan(q);
        const text = plan.join(' | ');
        t.diagnostic(`${name}: ${text}`);
        assert.ok(!/\bSCAN (sessions|profiles|profile_audit)\b(?! USING)/.test(text), `${name} scans a table: ${text}\n${q.sql}`);
        if (name !== 'recent sessions') {
          assert.ok(/SEARCH (sessions|profiles|profile_audit) USING/.test(text), `${name} does not search an index: ${text}\n${q.sql}`);
        }
        // Keyset pages read rows in index order; at most ties on startedAt are sorted (by id).
        assert.ok(!/TEMP B-TREE FOR ORDER BY/.test(text), `${name} sorts every match: ${text}\n${q.sql}`);
      }
    }
  });
}
