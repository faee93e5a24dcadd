import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { tempDir } from '../helper.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

const ADMIN = 'dfa_two_process_admin_key_0000000';
const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

type Tally = { acked: string[]; busy: number; errors: string[] };

async function ingestFor(server: ServerProcess, sessionId: string, untilMs: number, tally: Tally): Promise<void> {
  while (Date.now() < untilMs) {
    const items = Array.from({ length: 100 }, (_, i) => ({ id: randomUUID(), sessionId, toolName: `t${i % 5}`, durationMs: i, status: 'success' }));
    const res = await fetch(`${server.url}/v1/tool-calls`, { method: 'POST', headers, body: JSON.stringify({ items }) });
    if (res.status === 200) {
      tally.acked.push(...items.map((item) => item.id));
    } else if (res.status === 503) {
      // The only acceptable failure: the lock was not free within the busy timeout.
      assert.ok(res.headers.get('retry-after'), '503 carries Retry-After');
      assert.equal(((await res.json()) as { code: string }).code, 'DATABASE_BUSY');
      tally.busy += 1;
      await new Promise((r) => setTimeout(r, 50));
    } else {
      tally.errors.push(`${res.status} ${await res.text()}`);
    }
  }
}

test('two server processes ingest into one file at once: every acknowledged row is stored, no 5xx but 503', { timeout: 90_000 }, async (t) => {
  const dbPath = join(tempDir(t), 'shared.db');
  const env = { DEVFLOW_DB_PATH: dbPath, DEVFLOW_ADMIN_KEY: ADMIN, DEVFLOW_RATE_LIMIT: '0', LOG_LEVEL: 'warn', DEVFLOW_BUSY_TIMEOUT_MS: '2000' };
  const a = await startServer(env);
  t.after(() => a.child.kill('SIGKILL'));
  const b = await startServer(env);
  t.after(() => b.child.kill('SIGKILL'));

  const created = await fetch(`${a.url}/v1/sessions`, { method: 'POST', headers, body: JSON.stringify({ type: 'agent' }) });
  const sessionId = ((await created.json()) as { id: string }).id;
  const tally: Tally = { acked: [], busy: 0, errors: [] };
  const until = Date.now() + 3000;
  await Promise.all([a, a, b, b].map((server) => ingestFor(server, sessionId, until, tally)));
  assert.deepEqual(tally.errors, []);
  assert.ok(tally.acked.length > 0);

  const session = (await (await fetch(`${b.url}/v1/sessions/${sessionId}`, { headers })).json()) as { toolCallCount: number };
  a.child.kill('SIGTERM');
  b.child.kill('SIGTERM');
  assert.equal(await a.exited, 0);
  assert.equal(await b.exited, 0);
  const db = new Database(dbPath, { readonly: true });
  t.after(() => db.close());
  const has = db.prepare('select 1 from tool_calls where id = ?').pluck();
  const missing = tally.acked.filter((id) => has.get(id) === undefined);
  assert.equal(missing.length, 0, `${missing.length} acknowledged rows missing`);
  const stored = db.prepare('select count(*) from tool_calls').pluck().get() as number;
  assert.equal(stored, tally.acked.length);
  assert.equal(session.toolCallCount, stored);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
});
