import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { main } from '../src/cli/main.js';
import { progressLine, startProgress } from '../src/cli/progress.js';
import { build, auth } from './helper.js';
import { ROOT } from './support/server-process.js';

const MIB = 1024 * 1024;

test('without a terminal: one line every 5 s with percent, rate and time left, then a one-line summary', () => {
  let clock = 0;
  const lines: string[] = [];
  const progress = startProgress({ label: 'backup', unit: 'bytes', write: (l) => void lines.push(l), tty: false, now: () => clock });
  for (let second = 1; second <= 12; second++) {
    clock = second * 1000;
    progress.update(second * 8 * MIB, 100 * MIB);
  }
  progress.finish();
  assert.deepEqual(lines, [
    'devflow: backup: 40% (40.0 MiB of 100.0 MiB), 8.0 MiB/s, about 8 s left',
    'devflow: backup: 80% (80.0 MiB of 100.0 MiB), 8.0 MiB/s, about 3 s left',
    'devflow: backup: 96.0 MiB in 12.0 s (8.0 MiB/s)',
  ]);
});

test('without a total: the amount and the rate; a command that prints its own result gets no summary', () => {
  let clock = 0;
  const lines: string[] = [];
  const progress = startProgress({ label: 'retention run', unit: 'items', write: (l) => void lines.push(l), tty: false, now: () => clock, everyMs: 1000 });
  clock = 500;
  progress.update(100);
  clock = 2000;
  progress.update(12_345);
  progress.finish({ summary: false });
  assert.deepEqual(lines, ['devflow: retention run: 12,345 items, 6,173 items/s']);
  assert.equal(progressLine(0, 10, 0, 'days'), '0% (0 days of 10 days), 0 days/s, about ? left');
  assert.equal(progressLine(30, 3630, 30, 'days'), '0% (30 days of 3,630 days), 1 days/s, about 1 h 0 min left');
  assert.equal(progressLine(1, 100, 1, 'rows'), '1% (1 rows of 100 rows), 1 rows/s, about 1 min 39 s left');
});

test('on a terminal: a bar with percent, rate and ETA drawn on the stream, cleared at the end, then the summary', () => {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  let drawn = '';
  stream.on('data', (d) => (drawn += String(d)));
  const lines: string[] = [];
  let clock = 0;
  const progress = startProgress({ label: 'rollups rebuild', unit: 'days', write: (l) => void lines.push(l), tty: true, stream, now: () => clock });
  progress.update(0);
  clock = 1000;
  progress.update(3, 10);
  clock = 2000;
  progress.update(10, 10);
  progress.finish();
  assert.match(drawn, /rollups rebuild \[[█░]+\] \d+% \| \d+ days of 10 days \| \d+ days\/s \| ETA /);
  assert.deepEqual(lines, ['devflow: rollups rebuild: 10 days in 2.0 s (5 days/s)']);
});

test('devflow rollups rebuild --json as a process: stdout is the JSON alone, the progress summary goes to stderr', async (t) => {
  const app = await build(t);
  const now = Date.now();
  const session = await app.inject({ method: 'POST', url: '/v1/sessions', headers: auth(app.keys.admin), payload: { type: 'agent' } });
  const items = Array.from({ length: 50 }, (_, i) => ({ sessionId: session.json().id, toolName: 'Bash', durationMs: i, status: 'success', timestamp: now - 3 * 86_400_000 + i * 3_600_000 }));
  assert.equal((await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: auth(app.keys.admin), payload: { items } })).statusCode, 200);
  app.sqlite.settle();
  const env = { PATH: process.env.PATH ?? '', DEVFLOW_DB_PATH: join(app.dir, 'analytics.db') };
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'rollups', 'rebuild', '--json'], { cwd: ROOT, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).slots > 0, true);
  assert.equal(run.stdout.trim().split('\n').length, 1);
  assert.match(run.stderr, /^devflow: rollups rebuild: [\d,]+ days in \d+\.\d s \([\d,]+ days\/s\)\n$/);
});

test('devflow retention run reports its progress and a summary on stderr, the run record alone on stdout', async (t) => {
  const app = await build(t);
  const session = await app.inject({ method: 'POST', url: '/v1/sessions', headers: auth(app.keys.admin), payload: { type: 'agent', startedAt: Date.now() - 400 * 86_400_000 } });
  const items = Array.from({ length: 20 }, (_, i) => ({ sessionId: session.json().id, toolName: 'Bash', durationMs: i, status: 'success', timestamp: Date.now() - 400 * 86_400_000 + i }));
  assert.equal((await app.inject({ method: 'POST', url: '/v1/tool-calls', headers: auth(app.keys.admin), payload: { items } })).statusCode, 200);
  app.sqlite.settle();
  const out: string[] = [];
  const err: string[] = [];
  const io = { env: { DEVFLOW_DB_PATH: join(app.dir, 'analytics.db') }, out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) };
  assert.equal(await main(['retention', 'run', '--dry-run', '--json'], io), 0, err.join('\n'));
  assert.equal(JSON.parse(out.join('\n')).deleted.toolCalls, 20);
  assert.equal(err.length, 1, err.join('\n'));
  assert.match(err[0]!, /^devflow: retention dry run: [\d,]+ items in \d+\.\d s \([\d,]+ items\/s\)$/);
  assert.ok(Number(/: (\d+) items/.exec(err[0]!)?.[1]) >= 20, 'the slices counted every expired call');
  // Without --json the command's own summary (on stdout) is the last word: no second one on stderr.
  const textOut: string[] = [];
  const textErr: string[] = [];
  assert.equal(await main(['retention', 'run', '--dry-run'], { ...io, out: (l: string) => void textOut.push(l), err: (l: string) => void textErr.push(l) }), 0);
  assert.match(textOut.join('\n'), /would delete 20 tool calls/);
  assert.deepEqual(textErr, []);
});
