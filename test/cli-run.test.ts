import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { auth, build, tempDir, type TestApp } from './helper.js';
import { devflowRun, until } from './support/devflow-run.js';
import { freePort } from './support/server-process.js';

/**
 * `devflow run` as a user runs it: a real devflow process running a real command, against the
 * real app listening on a real socket; each stored session is read back through the API.
 */

type StoredSession = { id: string; type: string; status: string; exitCode: number | null; outputLines: number; errorCount: number; project: string | null; profileId: number | null; endedAt: string | null };

async function listening(t: TestContext): Promise<{ app: TestApp; url: string }> {
  const app = await build(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

/** The one session of the project (or of the database), read back through GET /v1/sessions/{id}. */
async function theSession(app: TestApp, project?: string): Promise<StoredSession> {
  const list = await app.inject({ method: 'GET', url: `/v1/sessions${project ? `?project=${project}` : ''}`, headers: auth(app.keys.read) });
  const items = (list.json() as { items: StoredSession[] }).items;
  assert.equal(items.length, 1, `one session${project ? ` of ${project}` : ''}: ${list.body}`);
  const res = await app.inject({ method: 'GET', url: `/v1/sessions/${items[0]!.id}`, headers: auth(app.keys.read) });
  assert.equal(res.statusCode, 200);
  return res.json() as StoredSession;
}

const summary = (s: StoredSession) => ({ type: s.type, status: s.status, exitCode: s.exitCode, outputLines: s.outputLines, errorCount: s.errorCount });

/**
 * A node command writing the given parts (base64) in order, 30 ms apart so that each arrives as
 * its own chunk, then exiting with `code`.
 */
function writer(parts: Array<[1 | 2, Buffer]>, code: number): string[] {
  const script = `const parts = JSON.parse(process.argv[1]);
(async () => {
  for (const [fd, b64] of parts) {
    (fd === 1 ? process.stdout : process.stderr).write(Buffer.from(b64, 'base64'));
    await new Promise((r) => setTimeout(r, 30));
  }
  process.exitCode = ${code};
})();`;
  return ['node', '-e', script, JSON.stringify(parts.map(([fd, b]) => [fd, b.toString('base64')]))];
}

test('a passing command: stored completed with exit code 0 and its 3 lines (the last without a newline)', async (t) => {
  const { app, url } = await listening(t);
  const run = devflowRun(t, ['--type', 'test', '--project', 'web', '--', 'node', '-e', 'process.stdout.write("one\\ntwo\\nthree")'], { DEVFLOW_URL: url, DEVFLOW_API_KEY: app.keys.ingest });
  const { code, stdout, stderr } = await run.result;
  assert.equal(code, 0, stderr.toString());
  assert.equal(stdout.toString(), 'one\ntwo\nthree');
  assert.equal(stderr.toString(), '');
  const session = await theSession(app);
  assert.deepEqual(summary(session), { type: 'test', status: 'completed', exitCode: 0, outputLines: 3, errorCount: 0 });
  assert.equal(session.project, 'web');
  assert.ok(session.endedAt);
});

test('a failing command (exit 3, error lines on both streams, split chunks, colours, bytes that are not UTF-8): failed, exact counts, bytes unchanged', async (t) => {
  const { app, url } = await listening(t);
  const parts: Array<[1 | 2, Buffer]> = [
    [1, Buffer.from('ok line\n')],
    [2, Buffer.from('warning: fine\r\n')],
    [1, Buffer.from('\u001b[31mERROR\u001b[39m: first\n')], // error
    [1, Buffer.from('partial err')],
    [2, Buffer.from('Error: on stderr\n')], // error (stderr's own line, not mixed into stdout's)
    [1, Buffer.from('or split across chunks\n')], // error: "partial error split…"
    [1, Buffer.from([0xff, 0xfe, 0x0a])],
    [2, Buffer.from('errors: 0\n')],
    [1, Buffer.from('TypeError: no newline at the end')], // error
  ];
  const run = devflowRun(t, ['--', ...writer(parts, 3)], { DEVFLOW_URL: url, DEVFLOW_API_KEY: app.keys.ingest });
  const { code, signal, stdout, stderr } = await run.result;
  assert.equal(code, 3, stderr.toString());
  assert.equal(signal, null);
  assert.ok(stdout.equals(Buffer.concat(parts.filter(([fd]) => fd === 1).map(([, b]) => b))), `stdout byte for byte: ${JSON.stringify(stdout.toString())}`);
  assert.ok(stderr.equals(Buffer.concat(parts.filter(([fd]) => fd === 2).map(([, b]) => b))), `stderr byte for byte: ${JSON.stringify(stderr.toString())}`);
  // node -e is no known tool: type profile and the generic pattern.
  assert.deepEqual(summary(await theSession(app)), { type: 'profile', status: 'failed', exitCode: 3, outputLines: 8, errorCount: 4 });
});

test('interrupted: SIGINT and SIGTERM reach the command; cancelled with 128+signal; a command that handles SIGINT keeps its own code', async (t) => {
  const { app, url } = await listening(t);
  const env = { DEVFLOW_URL: url, DEVFLOW_API_KEY: app.keys.ingest };
  const sleeper = ['node', '-e', 'setInterval(() => {}, 1000); console.log("ready")'];
  const handler = ['node', '-e', 'process.on("SIGINT", () => { console.log("interrupted"); setTimeout(() => process.exit(5), 100) }); setInterval(() => {}, 1000); console.log("ready")'];
  const cases = [
    { project: 'int', command: sleeper, signal: 'SIGINT', code: 130, lines: 1 },
    { project: 'term', command: sleeper, signal: 'SIGTERM', code: 143, lines: 1 },
    { project: 'handled', command: handler, signal: 'SIGINT', code: 5, lines: 2 },
  ] as const;
  await Promise.all(
    cases.map(async (c) => {
      const run = devflowRun(t, ['--project', c.project, '--', ...c.command], env);
      await until(() => run.stdoutSoFar().includes('ready'), `${c.project}: the command runs`);
      run.child.kill(c.signal);
      const { code, signal, stderr } = await run.result;
      // devflow did not die of the signal: it exited on its own, with the command's code.
      assert.deepEqual([code, signal], [c.code, null], `${c.project}: ${stderr.toString()}`);
      assert.equal(stderr.toString(), '');
      assert.deepEqual(summary(await theSession(app, c.project)), { type: 'profile', status: 'cancelled', exitCode: c.code, outputLines: c.lines, errorCount: 0 });
    }),
  );
});

/** Holds every connection open without a byte of answer: a server that hangs. */
async function silentServer(t: TestContext): Promise<string> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A proxy in front of a server that is down: 502 with an HTML page. */
async function badGateway(t: TestContext): Promise<string> {
  const server = createHttpServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test("server down, hanging, behind a failing proxy, or DEVFLOW_URL wrong: the command's exit code, one warning line, done within 2 s of the command's end", async (t) => {
  const down = `http://127.0.0.1:${await freePort()}`;
  const hanging = await silentServer(t);
  const proxy = await badGateway(t);
  // The command prints the time it ends at.
  const command = ['node', '-e', 'setTimeout(() => { console.log(Date.now()); process.exit(4) }, 300)'];
  const cases = [
    { name: 'down', url: down, warning: /^devflow: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); the session is not recorded\n$/ },
    { name: 'hanging', url: hanging, warning: /^devflow: no answer from http:\/\/127\.0\.0\.1:\d+ in time; the session is not recorded\n$/ },
    { name: '502 proxy', url: proxy, warning: /^devflow: the server answered 502; the session is not recorded\n$/ },
    { name: 'not http', url: 'localhost:3000', warning: /^devflow: DEVFLOW_URL is not an http\(s\) URL; the session is not recorded\n$/ },
    { name: 'with a password', url: 'http://me:s3cret@127.0.0.1:3000', warning: /^devflow: DEVFLOW_URL must not hold a user name or password; the session is not recorded\n$/ },
  ];
  const run = (c: (typeof cases)[number]) => devflowRun(t, ['--', ...command], { DEVFLOW_URL: c.url, DEVFLOW_API_KEY: 'dfa_some_ingest_key' }).result;
  // Two at a time: five devflows and five commands at once on a busy 2-core machine measure the machine.
  const runs = [...(await Promise.all(cases.slice(0, 2).map(run))), ...(await Promise.all(cases.slice(2).map(run)))];
  for (const [i, { code, stdout, stderr, exitedAt }] of runs.entries()) {
    assert.equal(code, 4, stderr.toString());
    assert.match(stderr.toString(), cases[i]!.warning);
    const commandEnded = Number(stdout.toString().trim());
    const after = exitedAt - commandEnded;
    t.diagnostic(`${cases[i]!.name}: devflow ended ${after} ms after the command`);
    assert.ok(after < 2000, `devflow ended ${after} ms after the command`);
  }
});

test('a wrong key, no key, an unknown profile, a command that does not exist: the command still runs (or 127), one warning line', async (t) => {
  const { app, url } = await listening(t);
  const profile = await app.inject({ method: 'POST', url: '/v1/profiles', headers: auth(app.keys.admin), payload: { name: 'node-dev' } });
  assert.equal(profile.statusCode, 201);
  const env = { DEVFLOW_URL: url, DEVFLOW_API_KEY: app.keys.ingest };
  const hello = ['node', '-e', 'console.log("hello")'];
  const [wrongKey, noKey, unknown, known, missing] = await Promise.all([
    devflowRun(t, ['--', ...hello], { ...env, DEVFLOW_API_KEY: 'dfa_wrong_key_0123456789abcdef' }).result,
    // Its stderr ends without a newline: the warning still starts a line of its own.
    devflowRun(t, ['--', 'node', '-e', 'console.log("hello"); process.stderr.write("partial")'], { DEVFLOW_URL: url }).result,
    devflowRun(t, ['--profile', 'nope', '--project', 'unknown', '--', ...hello], env).result,
    devflowRun(t, ['--profile', 'node-dev', '--project', 'known', '--', ...hello], env).result,
    devflowRun(t, ['--project', 'missing', '--', 'no-such-command-for-devflow'], env).result,
  ]);
  for (const run of [wrongKey, noKey, unknown, known]) {
    assert.equal(run.code, 0, run.stderr.toString());
    assert.equal(run.stdout.toString(), 'hello\n');
  }
  assert.match(wrongKey.stderr.toString(), /^devflow: the server answered 401 UNAUTHORIZED: [^\n]*; the session is not recorded\n$/);
  assert.doesNotMatch(wrongKey.stderr.toString(), /dfa_wrong_key/, 'the key is never printed');
  assert.equal(noKey.stderr.toString(), 'partial\ndevflow: DEVFLOW_API_KEY is not set; the session is not recorded\n');
  assert.equal(unknown.stderr.toString(), "devflow: no profile 'nope' on the server; the session is recorded without one\n");
  assert.equal(known.stderr.toString(), '');
  assert.equal(missing.code, 127);
  assert.equal(missing.stderr.toString(), 'devflow: no-such-command-for-devflow: command not found\n');

  const sessions = (await app.inject({ method: 'GET', url: '/v1/sessions', headers: auth(app.keys.read) })).json() as { items: StoredSession[] };
  assert.equal(sessions.items.length, 3, 'the wrong and the missing key recorded nothing');
  assert.equal((await theSession(app, 'unknown')).profileId, null);
  assert.equal((await theSession(app, 'known')).profileId, (profile.json() as { id: number }).id);
  assert.deepEqual(summary(await theSession(app, 'missing')), { type: 'profile', status: 'failed', exitCode: 127, outputLines: 0, errorCount: 0 });
});

test("stdin reaches the command unchanged; the output's lines are counted", async (t) => {
  const { app, url } = await listening(t);
  const input = Buffer.concat([Buffer.from('first\nsecond error\n'), Buffer.from([0x00, 0xff, 0x0a]), Buffer.from('x'.repeat(100_000))]);
  const run = devflowRun(t, ['--', 'node', '-e', 'process.stdin.pipe(process.stdout)'], { DEVFLOW_URL: url, DEVFLOW_API_KEY: app.keys.ingest }, input);
  const { code, stdout, stderr } = await run.result;
  assert.equal(code, 0, stderr.toString());
  assert.ok(stdout.equals(input), 'stdout is stdin, byte for byte');
  assert.deepEqual(summary(await theSession(app)), { type: 'profile', status: 'completed', exitCode: 0, outputLines: 4, errorCount: 1 });
});

test('a server that comes up while the command runs still gets the session: the create is repeated at the end', async (t) => {
  const port = await freePort();
  const marker = join(tempDir(t), 'go');
  const app = await build(t);
  const command = ['node', '-e', `console.log("started"); const t = setInterval(() => { if (require("fs").existsSync(${JSON.stringify(marker)})) clearInterval(t) }, 20)`];
  const run = devflowRun(t, ['--', ...command], { DEVFLOW_URL: `http://127.0.0.1:${port}`, DEVFLOW_API_KEY: app.keys.ingest });
  await until(() => run.stdoutSoFar().includes('started'), 'the command runs');
  await app.listen({ host: '127.0.0.1', port });
  writeFileSync(marker, '');
  const { code, stderr } = await run.result;
  assert.equal(code, 0);
  assert.equal(stderr.toString(), '');
  assert.deepEqual(summary(await theSession(app)), { type: 'profile', status: 'completed', exitCode: 0, outputLines: 1, errorCount: 0 });
});

test('a reader that stops reading (devflow run … | head -1): the command sees the broken pipe, as without devflow', async (t) => {
  const { app, url } = await listening(t);
  const run = devflowRun(t, ['--', 'yes'], { DEVFLOW_URL: url, DEVFLOW_API_KEY: app.keys.ingest });
  await until(() => run.stdoutSoFar().length > 0, 'output');
  run.child.stdout?.destroy();
  const { code, stderr } = await run.result;
  assert.equal(code, 141, stderr.toString()); // 128 + SIGPIPE
  assert.equal(stderr.toString(), '', 'no "connection reset" from the command, as with a plain pipe');
  const session = await theSession(app);
  assert.deepEqual([session.status, session.exitCode], ['failed', 141]);
  assert.ok(session.outputLines > 0);
});

test('a background process that keeps the pipes open: devflow ends with the command, as a shell does', async (t) => {
  const { app, url } = await listening(t);
  // The shell prints the time and exits 6 while its background sleep holds stdout and stderr for 4 s.
  const run = devflowRun(t, ['--', 'sh', '-c', 'sleep 4 & node -p "Date.now()"; exit 6'], { DEVFLOW_URL: url, DEVFLOW_API_KEY: app.keys.ingest });
  const { code, stdout, stderr, exitedAt } = await run.result;
  assert.equal(code, 6, stderr.toString());
  const after = exitedAt - Number(stdout.toString().trim());
  assert.ok(after < 2000, `devflow ended ${after} ms after the command, not with the background sleep`);
  assert.deepEqual(summary(await theSession(app)), { type: 'profile', status: 'failed', exitCode: 6, outputLines: 1, errorCount: 0 });
});
