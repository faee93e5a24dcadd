import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { main } from '../src/cli/main.js';
import { childEnv, outcomeOf, parseRunArgs } from '../src/cli/run.js';
import { createOutputTally, MAX_MATCHED_LINE_BYTES, stripAnsi } from '../src/cli/run-output.js';
import { DEFAULT_PATTERNS, inferType } from '../src/cli/run-type.js';
import { DEV_SESSION_TYPES as SESSION_TYPES, type DevSessionType as SessionType } from '../src/db/row-types.js';
import { tempDir } from './helper.js';

/** The parts of `devflow run` that need no process: type inference, arguments, line counting, outcomes. */

test('the type follows the command: tsc, eslint, test runners, package-manager scripts, runtimes', () => {
  const cases: Array<[string, SessionType]> = [
    ['tsc --noEmit', 'typecheck'],
    ['./node_modules/.bin/vue-tsc --noEmit', 'typecheck'],
    ['tsc --watch', 'watch'],
    ['C:\\tools\\TSC.CMD -p .', 'typecheck'],
    ['eslint .', 'lint'],
    ['vitest run', 'test'],
    ['vitest', 'test'],
    ['vitest watch', 'watch'],
    ['jest --watchAll', 'watch'],
    ['jest', 'test'],
    ['mocha test/*.js', 'test'],
    ['node --test test/', 'test'],
    ['node --import tsx --test test/a.test.ts', 'test'],
    ['node --watch server.js', 'watch'],
    ['node server.js', 'profile'],
    ['node', 'repl'],
    ['tsx', 'repl'],
    ['deno test', 'test'],
    ['npm test', 'test'],
    ['npm t', 'test'],
    ['npm run test', 'test'],
    ['npm run-script test:unit', 'test'],
    ['npm --silent run lint', 'lint'],
    ['pnpm test', 'test'],
    ['pnpm typecheck', 'typecheck'],
    ['yarn test', 'test'],
    ['yarn lint:fix', 'lint'],
    ['bun test', 'test'],
    ['npm run build', 'profile'],
    ['npm', 'profile'],
    ['npx vitest run', 'test'],
    ['npx --yes eslint .', 'lint'],
    ['npx', 'profile'],
    ['pnpm exec tsc', 'typecheck'],
    ['npm exec -- jest', 'test'],
    ['make check', 'profile'],
    ['testing', 'profile'],
  ];
  for (const [command, type] of cases) assert.equal(inferType(command.split(' ')), type, command);
  assert.equal(inferType([]), 'profile');
});

test('the default patterns match the lines they are documented to match, colours removed', () => {
  const matches = (type: SessionType, line: string) => new RegExp(DEFAULT_PATTERNS[type], 'i').test(stripAnsi(line));
  const yes: Array<[SessionType, string]> = [
    ['typecheck', "src/a.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'."],
    ['typecheck', '\u001b[96msrc/a.ts\u001b[0m:\u001b[93m1\u001b[0m:\u001b[93m7\u001b[0m - \u001b[91merror\u001b[0m\u001b[90m TS2322: \u001b[0mType'],
    ['lint', "  1:10  error  'x' is defined but never used  no-unused-vars"],
    ['lint', '  12:3  \u001b[31merror\u001b[39m  Unexpected console statement  no-console'],
    ['test', 'not ok 3 - adds numbers'],
    ['test', '    not ok 1 - nested'],
    ['test', '✖ adds numbers (1.2ms)'],
    ['test', '   × adds numbers 3ms'],
    ['test', '    ✕ adds numbers (2 ms)'],
    ['test', ' FAIL  src/a.test.ts > adds'],
    ['profile', 'Error: boom'],
    ['profile', 'TypeError: x is not a function'],
    ['watch', '[ERROR] build failed'],
  ];
  for (const [type, line] of yes) assert.ok(matches(type, line), `${type} should match ${JSON.stringify(line)}`);
  const no: Array<[SessionType, string]> = [
    ['typecheck', 'Found 3 errors in 2 files.'],
    ['lint', '  3:1  warning  Unexpected var  no-var'],
    ['lint', '✖ 3 problems (1 error, 2 warnings)'],
    ['test', 'ok 1 - adds numbers'],
    ['test', '# fail 1'],
    ['test', 'ℹ fail 1'],
    ['test', '✔ adds numbers (0.5ms)'],
    ['test', 'failed to start? no: only FAIL as a word at the start'],
    ['profile', '0 errors'],
    ['profile', 'stderr is fine'],
  ];
  for (const [type, line] of no) assert.ok(!matches(type, line), `${type} should not match ${JSON.stringify(line)}`);
  assert.deepEqual(Object.keys(DEFAULT_PATTERNS), [...SESSION_TYPES], 'every type has a pattern, in the sessions’ own order (run lists the keys)');
});

test("README's table of default patterns is the code's", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const cell = (pattern: string) => `\`${pattern.replaceAll('|', '\\|')}\``;
  for (const type of ['typecheck', 'lint', 'test'] as const) assert.ok(readme.includes(`| \`${type}\` | ${cell(DEFAULT_PATTERNS[type])} |`), `README row for ${type}`);
  assert.ok(readme.includes(`| the others | ${cell(DEFAULT_PATTERNS.profile)} |`), 'README row for the other types');
});

test('arguments: the command after -- untouched, --type overrides, the pattern compiles case-insensitive', () => {
  const parsed = parseRunArgs(['--type', 'lint', '--project', 'web', '--profile', 'node-dev', '--', 'node', '--type', 'x', '--', '-h']);
  assert.deepEqual(parsed?.command, ['node', '--type', 'x', '--', '-h']);
  assert.equal(parsed?.type, 'lint');
  assert.equal(parsed?.project, 'web');
  assert.equal(parsed?.profile, 'node-dev');
  assert.equal(parsed?.pattern.source, DEFAULT_PATTERNS.lint);
  assert.ok(parsed?.pattern.flags.includes('i'));
  const custom = parseRunArgs(['--error-pattern=^FAILED', '--', 'tsc']);
  assert.deepEqual([custom?.type, custom?.pattern.source], ['typecheck', '^FAILED']);
  for (const type of SESSION_TYPES) assert.equal(parseRunArgs(['--type', type, '--', 'x'])?.type, type);
  assert.equal(parseRunArgs(['--help']), null);
  assert.equal(parseRunArgs(['-h', '--', 'x']), null);
});

/** `devflow …` in this process: exit code and what it printed. */
async function inProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { env: {}, out: (l) => void out.push(l), err: (l) => void err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

test('misuse exits 2 with one line before anything runs: bad pattern, no command, no --, bad type or lengths', async (t) => {
  const marker = join(tempDir(t), 'ran');
  const command = ['--', process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`];
  const misuse: Array<[string[], RegExp]> = [
    [['--error-pattern', '(unclosed', ...command], /--error-pattern is not a valid regular expression \(Invalid regular expression/],
    [['--error-pattern', '', ...command], /--error-pattern is not a valid regular expression \(it is empty\)/],
    [['--type', 'build', ...command], /--type must be one of repl, profile, test, watch, lint, typecheck, mcp, agent/],
    [['--project', '', ...command], /--project must have 1 to 200 characters/],
    [['--project', 'p'.repeat(201), ...command], /--project must have 1 to 200 characters/],
    [['--profile', 'p'.repeat(65), ...command], /--profile must have 1 to 64 characters/],
    [['--colour', ...command], /Unknown option '--colour'/],
    [['--'], /run needs a command after --/],
    [['--type', 'test', '--', ''], /run needs a command after --/],
    [[], /the command goes after --/],
    [['vitest', 'run'], /the command goes after --: devflow run \[options\] -- COMMAND/],
  ];
  for (const [args, message] of misuse) {
    const run = await inProcess(['run', ...args]);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message, args.join(' '));
    assert.match(run.stderr, /^devflow: [^\n]*\(see: devflow help run\)$/);
  }
  assert.ok(!existsSync(marker), 'the command never ran');
});

test('help: devflow help run and run --help show the usage with the defaults; the overview lists run', async () => {
  for (const args of [['help', 'run'], ['run', '--help'], ['run', '-h']]) {
    const run = await inProcess(args);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /devflow run \[--type TYPE\] \[--profile NAME\] \[--project NAME\] \[--error-pattern REGEX\] -- COMMAND/);
    assert.match(run.stdout, /DEVFLOW_URL \(default http:\/\/127\.0\.0\.1:3000\)/);
    for (const type of ['typecheck', 'lint', 'test'] as const) assert.ok(run.stdout.includes(DEFAULT_PATTERNS[type]), `usage shows the ${type} pattern`);
  }
  assert.match((await inProcess(['help'])).stdout, /^ {2}run +run a command and record it as a session/m);
});

/** The reference: lines and matches of the whole output at once, per stream. */
function reference(streams: string[], pattern: RegExp): { lines: number; errors: number } {
  let lines = 0;
  let errors = 0;
  for (const text of streams) {
    if (text === '') continue;
    const split = text.split('\n');
    if (split.at(-1) === '') split.pop();
    lines += split.length;
    errors += split.filter((line) => pattern.test(stripAnsi(line).replace(/\r$/, ''))).length;
  }
  return { lines, errors };
}

test('line counting does not depend on where chunks split, and streams never share a line', () => {
  const pattern = /\berror\b/i;
  const piece = fc.constantFrom('a', 'error', 'Err', 'or', ' ', '\n', '\r\n', '\u001b[31m', '\u001b[0m', 'é', '✖');
  const output = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(output, output, fc.array(fc.nat(), { maxLength: 10 }), (out, err, cuts) => {
      const tally = createOutputTally(pattern);
      for (const text of [out, err]) {
        const bytes = Buffer.from(text);
        const stream = tally.stream();
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let from = 0;
        for (const point of [...points, bytes.length]) {
          stream.push(bytes.subarray(from, point));
          from = point;
        }
        stream.end();
      }
      assert.deepEqual({ lines: tally.lines, errors: tally.errors }, reference([out, err], pattern));
    }),
    { numRuns: 500 },
  );
});

test('a line longer than the cap counts once and is matched on its first 64 KiB only', () => {
  const tally = createOutputTally(/error/i);
  const stream = tally.stream();
  const filler = Buffer.alloc(16 * 1024, 'x');
  stream.push(Buffer.from('error at the start'));
  for (let i = 0; i < 64; i += 1) stream.push(filler); // 1 MiB more, no newline
  stream.push(Buffer.from('\n'));
  stream.push(Buffer.concat([Buffer.alloc(MAX_MATCHED_LINE_BYTES, 'y'), Buffer.from('error past the cap\nshort error\n')]));
  const late = tally.stream();
  for (let i = 0; i < 8; i += 1) late.push(filler);
  late.push(Buffer.from('error past the cap, across chunks'));
  late.end();
  stream.end();
  assert.deepEqual({ lines: tally.lines, errors: tally.errors }, { lines: 4, errors: 2 });
});

test('outcomes: 0 completed; a signal or an interruption cancelled with 128+n; anything else failed', () => {
  const ran = { started: true as const, openLine: false, exitedAt: new Date() };
  assert.deepEqual(outcomeOf({ ...ran, code: 0, signal: null, received: 'SIGINT' }), { status: 'completed', exitCode: 0 });
  assert.deepEqual(outcomeOf({ ...ran, code: 1, signal: null, received: null }), { status: 'failed', exitCode: 1 });
  assert.deepEqual(outcomeOf({ ...ran, code: null, signal: 'SIGTERM', received: null }), { status: 'cancelled', exitCode: 143 });
  assert.deepEqual(outcomeOf({ ...ran, code: null, signal: 'SIGINT', received: 'SIGINT' }), { status: 'cancelled', exitCode: 130 });
  assert.deepEqual(outcomeOf({ ...ran, code: 1, signal: null, received: 'SIGHUP' }), { status: 'cancelled', exitCode: 1 });
  assert.deepEqual(outcomeOf({ ...ran, code: null, signal: 'SIGKILL', received: null }), { status: 'failed', exitCode: 137 });
  assert.deepEqual(outcomeOf({ started: false, code: 127, message: 'x: command not found' }), { status: 'failed', exitCode: 127 });
});

test('colours: FORCE_COLOR=1 only towards a terminal and only when the user has not chosen', () => {
  assert.equal(childEnv({ PATH: '/bin' }, true).FORCE_COLOR, '1');
  assert.equal(childEnv({ PATH: '/bin' }, false).FORCE_COLOR, undefined);
  assert.equal(childEnv({ FORCE_COLOR: '0' }, true).FORCE_COLOR, '0');
  assert.equal(childEnv({ NO_COLOR: '1' }, true).FORCE_COLOR, undefined);
});
