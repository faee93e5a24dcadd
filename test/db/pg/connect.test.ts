import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { createPgPool } from '../../../src/db/pg/client.js';
import { connectPg, PgConnectError, waitForPg } from '../../../src/db/pg/connect.js';
import { freshPgDatabase, pgLane, urlOf } from '../../support/pg.js';

/** A port nothing listens on: a server bound and closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that accepts connections and never says a word (a hung PostgreSQL, a black-holing proxy). */
async function silentServer(t: { after: (fn: () => unknown) => void }): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return (server.address() as { port: number }).port;
}

test('a server that answers is ready at the first attempt', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const retries: number[] = [];
  const pool = await connectPg({ url: fresh.url, connectTimeoutMs: 5000, onRetry: ({ attempt }) => retries.push(attempt) });
  t.after(() => pool.end());
  assert.equal((await pool.query<{ one: number }>('select 1 as one')).rows[0]?.one, 1);
  assert.deepEqual(retries, []);
});

test('an unreachable server is retried with growing waits, then one line names host:port and the cause, never the password', async () => {
  const port = await closedPort();
  const url = `postgres://devflow:s3cret@127.0.0.1:${port}/analytics`;
  const waits: number[] = [];
  const started = Date.now();
  const err = await connectPg({ url, connectTimeoutMs: 1500, onRetry: ({ delayMs, cause }) => {
    waits.push(delayMs);
    assert.match(cause, /ECONNREFUSED/);
  } }).then(
    () => assert.fail('connected to a closed port'),
    (e: unknown) => e,
  );
  const elapsed = Date.now() - started;
  assert.ok(err instanceof PgConnectError);
  assert.match(err.message, new RegExp(`^PostgreSQL at 127\\.0\\.0\\.1:${port} did not answer within 1\\.5 s \\(\\d+ attempts\\): .*ECONNREFUSED`));
  assert.doesNotMatch(err.message, /s3cret|\n/);
  assert.ok(elapsed >= 1400 && elapsed < 4000, `gave up at the deadline (${elapsed} ms)`);
  assert.ok(waits.length >= 3, `retried (${waits.length} waits)`);
  assert.ok(waits[2]! > waits[0]!, `the waits grow: ${waits.join(', ')}`);
  assert.ok(waits.every((w) => w <= 2000));
});

test('a server that accepts and never answers is given up at the deadline, not waited on forever', async (t) => {
  const port = await silentServer(t);
  const url = `postgres://u@127.0.0.1:${port}/db`;
  const pool = createPgPool({ url, acquireTimeoutMs: 60_000 });
  t.after(() => pool.end());
  const started = Date.now();
  await assert.rejects(waitForPg(pool, url, { connectTimeoutMs: 800 }), (err: Error) => err instanceof PgConnectError && /did not answer within 0\.8 s \(1 attempt\)/.test(err.message));
  assert.ok(Date.now() - started < 3000);
});

test('an abort stops the wait at once', async () => {
  const port = await closedPort();
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('shutting down')), 300);
  const started = Date.now();
  await assert.rejects(connectPg({ url: `postgres://u@127.0.0.1:${port}/db`, connectTimeoutMs: 30_000, signal: controller.signal }), /shutting down/);
  assert.ok(Date.now() - started < 2500, 'did not wait out the 30 s');
  await assert.rejects(connectPg({ url: `postgres://u@127.0.0.1:${port}/db`, signal: controller.signal }), /shutting down/, 'an aborted signal does not even try');
});

test('a server that refuses who we are is not waited for: a missing database fails at the first attempt', async (t) => {
  if (!(await pgLane(t))) return;
  const started = Date.now();
  const url = urlOf('devflow_no_such_database');
  await assert.rejects(connectPg({ url, connectTimeoutMs: 30_000 }), (err: Error) => err instanceof PgConnectError && /^PostgreSQL at .+:\d+ refused the connection: database "devflow_no_such_database" does not exist$/.test(err.message));
  assert.ok(Date.now() - started < 5000);
});
