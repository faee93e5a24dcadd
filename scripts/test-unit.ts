/**
 * `npm run test:unit`: the test suite under c8's coverage gate (90 % of src/ lines), with the
 * PostgreSQL lane decided once for the whole run. When the server the tests use does not
 * answer, its tests skip themselves (test/support/pg.ts), so src/db/pg/**, which only they
 * cover, leaves the gate instead of failing it; this says so, loudly, once. Under CI=true an
 * unreachable server fails the run at once.
 *
 * `--dry-run` prints the command instead of running it; file arguments replace the full list.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ciFailure, isCi, LANE_ENV, probePg, skipNotice } from '../test/support/pg-lane.js';

/** Every test file under test/, sorted (what `find test -name '*.test.ts' | sort` listed). */
function testFiles(dir = 'test'): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? testFiles(join(dir, entry.name)) : entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : []))
    .sort();
}

/** c8's arguments: the gate as it always was, plus the PostgreSQL engine's code left out when its lane is skipped. */
function c8Args(files: string[], pgLaneUp: boolean): string[] {
  return [
    '--all', '--check-coverage', '--lines', '90', '--include', 'src/**',
    ...(pgLaneUp ? [] : ['--exclude', 'src/db/pg/**']),
    '--reporter', 'text-summary', '--reporter', 'text',
    'node', '--import', 'tsx', '--test', '--test-concurrency=2', ...files,
  ];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const chosen = args.filter((a) => a !== '--dry-run');
  const lane = await probePg();
  if (!lane.up && isCi()) {
    process.stderr.write(`${ciFailure(lane.reason)}\n`);
    process.exit(1);
  }
  if (!lane.up) process.stderr.write(skipNotice(lane.reason));
  const c8 = c8Args(chosen.length > 0 ? chosen : testFiles(), lane.up);
  if (dryRun) {
    process.stdout.write(`c8 ${c8.map((a) => (/[*\s]/.test(a) ? `'${a}'` : a)).join(' ')}\n`);
    return;
  }
  const child = spawn(join('node_modules', '.bin', 'c8'), c8, {
    stdio: 'inherit',
    env: { ...process.env, [LANE_ENV]: lane.up ? 'up' : `skipped: ${lane.reason}` },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (!lane.up) process.stderr.write(skipNotice(lane.reason));
    process.exit(code ?? (signal ? 1 : 0));
  });
}

await main();
