import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { tempDir } from '../helper.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

const ADMIN = 'dfa_crash_test_admin_key_00000000';
const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

async function createSession(server: ServerProcess): Promise<string> {
  const res = await fetch(`${server.url}/v1/sessions`, { method: 'POST', headers, body: JSON.stringify({ type: 'agent' }) });
  assert.equal(res.status, 201);
  return ((await res.json()) as { id: string }).id;
}

/** Posts batches until the server dies; returns the ids of every batch it acknowledged. */
async function ingestUntilDead(server: ServerProcess, sessionId: string, acked: string[], fiveHundreds: string[]): Promise<void> {
  for (;;) {
    const items = Array.from({ length: 200 }, (_, i) => ({ id: randomUUID(), sessionId, toolName: `tool-${i % 7}`, durationMs: i, status: 'success' }));
    let res: Response;
    try {
      res = await fetch(`${server.url}/v1/tool-calls`, { method: 'POST', headers, body: JSON.stringify({ items }) });
    } catch {
      return; // connection refused or reset: the server is gone
    }
    if (res.status >= 500) fiveHundreds.push(`${res.status} ${await res.text()}`);
    else if (res.status === 200) {
      const body = (await res.json()) as { accepted: number };
      assert.equal(body.accepted, items.length);
      acked.push(...items.map((item) => item.id));
    } else assert.fail(`unexpected ${res.status}: ${await res.text()}`);
  }
}

test('SIGKILL under sustained batched ingest loses no acknowledged row and leaves an intact file', { timeout: 120_000 }, async (t) => {
  const dbPath = join(tempDir(t), 'crash.db');
  const env = { DEVFLOW_DB_PATH: dbPath, DEVFLOW_ADMIN_KEY: ADMIN, DEVFLOW_RATE_LIMIT: '0', LOG_LEVEL: 'warn' };
  const acked: string[] = [];
  const fiveHundreds: string[] = [];
  let sessionId = '';
  for (const killAfterMs of [400, 900, 1500]) {
    const server = await startServer(env);
    t.after(() => server.child.kill('SIGKILL'));
    sessionId ||= await createSession(server);
    const loops = [1, 2, 3].map(() => ingestUntilDead(server, sessionId, acked, fiveHundreds));
    await new Promise((r) => setTimeout(r, killAfterMs));
    const before = acked.length;
    server.child.kill('SIGKILL');
    await Promise.all(loops);
    await server.exited;
    assert.ok(acked.length > before || acked.length > 0, 'ingest was running when the server was killed');
  }
  assert.deepEqual(fiveHundreds, []);

  const restarted = await startServer(env);
  t.after(() => restarted.child.kill('SIGKILL'));
  const session = (await (await fetch(`${restarted.url}/v1/sessions/${sessionId}`, { headers })).json()) as { toolCallCount: number };
  restarted.child.kill('SIGTERM');
  assert.equal(await restarted.exited, 0);

  const db = new Database(dbPath, { readonly: true });
  t.after(() => db.close());
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  const has = db.prepare('select 1 from tool_calls where id = ?').pluck();
  const missing = acked.filter((id) => has.get(id) === undefined);
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of ${acked.length} acknowledged rows are missing`);
  const stored = (db.prepare('select count(*) from tool_calls').pluck().get() as number);
  assert.ok(stored >= acked.length);
  assert.equal(session.toolCallCount, stored, 'toolCallCount equals the stored tool calls after crashes');
});
