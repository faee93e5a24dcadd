import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { pgLane } from './support/pg.js';
import { PG_TEST_URL } from './support/pg-lane.js';
import { runNode } from './support/run-process.js';

/**
 * The PostgreSQL lane's switch (test/support/pg.ts, scripts/test-unit.ts) against a server that
 * does not answer: outside CI its tests skip with one loud notice and its code leaves the
 * coverage gate; under CI=true the run fails instead. The lane itself runs wherever
 * PostgreSQL answers (test/db/pg/).
 */

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const NOTICE = /\*\*\* PostgreSQL lane SKIPPED: PostgreSQL not reachable at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres: .*ECONNREFUSED.* \*\*\*/g;

test('outside CI, PostgreSQL tests skip when the server does not answer, with one notice per process', async () => {
  const url = `postgres://postgres:s3cret@127.0.0.1:${await closedPort()}/postgres`;
  const run = await runNode('test/fixtures/pg-lane-fixture.ts', [], { DEVFLOW_TEST_PG_URL: url });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^# skipped 2$/m);
  assert.match(run.stdout, /# SKIP PostgreSQL not reachable: connect ECONNREFUSED/);
  assert.equal(run.stderr.match(NOTICE)?.length, 1, run.stderr);
  assert.doesNotMatch(run.stdout + run.stderr, /s3cret/);
});

test('under CI=true, an unreachable server fails the tests instead', async () => {
  const url = `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`;
  const run = await runNode('test/fixtures/pg-lane-fixture.ts', [], { DEVFLOW_TEST_PG_URL: url, CI: 'true' });
  assert.notEqual(run.code, 0);
  assert.match(run.stdout, /^# fail 2$/m);
  assert.match(run.stdout, /under CI=true the PostgreSQL tests must run/);
});

test('npm run test:unit leaves src/db/pg/** out of the coverage gate when the lane is skipped, and fails at once under CI', async () => {
  const url = `postgres://postgres:s3cret@127.0.0.1:${await closedPort()}/postgres`;
  const skipped = await runNode('scripts/test-unit.ts', ['--dry-run', 'test/config.test.ts'], { DEVFLOW_TEST_PG_URL: url });
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.equal(
    skipped.stdout,
    "c8 --all --check-coverage --lines 90 --include 'src/**' --exclude 'src/db/pg/**' --reporter text-summary --reporter text node --import tsx --test --test-concurrency=2 test/config.test.ts\n",
  );
  assert.equal(skipped.stderr.match(NOTICE)?.length, 1, skipped.stderr);

  const ci = await runNode('scripts/test-unit.ts', ['--dry-run'], { DEVFLOW_TEST_PG_URL: url, CI: 'true' });
  assert.equal(ci.code, 1);
  assert.equal(ci.stdout, '', 'nothing was run');
  assert.match(ci.stderr, /^PostgreSQL lane: PostgreSQL not reachable at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres: .*; under CI=true the PostgreSQL tests must run\n$/);
});

test('with the lane up, the coverage gate holds src/db/pg/** too', async (t) => {
  if (!(await pgLane(t))) return;
  const run = await runNode('scripts/test-unit.ts', ['--dry-run', 'test/config.test.ts'], { DEVFLOW_TEST_PG_URL: PG_TEST_URL, CI: 'true' });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "c8 --all --check-coverage --lines 90 --include 'src/**' --reporter text-summary --reporter text node --import tsx --test --test-concurrency=2 test/config.test.ts\n");
  assert.equal(run.stderr, '');
});
