import { basename } from 'node:path';
import type { DevSessionType as SessionType } from '../db/row-types.js';

const GENERIC = '\\b[a-z]*error\\b';

/**
 * The error pattern of each session type, matched case-insensitively against every output line
 * with its ANSI escape sequences removed. They count lines, not distinct problems.
 */
export const DEFAULT_PATTERNS: Readonly<Record<SessionType, string>> = {
  // Anything without a pattern of its own: the word error, alone or ending a name (`Error:`,
  // `TypeError`, `[ERROR]`), but not `errors` or `0 errors`. In the sessions' own order (the
  // usage text and --type's message list the keys).
  repl: GENERIC,
  profile: GENERIC,
  // TAP's `not ok` (node --test when its output is not a terminal, tap, tape), the failure marks
  // of node's spec reporter, vitest, jest and ava (✖ × ✕ ✗ ✘), and jest's and vitest's FAIL lines.
  test: '^\\s*not ok\\b|^\\s*[✖×✕✗✘]\\s|^\\s*FAIL\\b',
  watch: GENERIC,
  // eslint's stylish format, one line per error (`  1:10  error  'x' is defined but never used`);
  // not warnings and not the "✖ 3 problems (1 error, 2 warnings)" summary.
  lint: '^\\s*\\d+:\\d+\\s+error\\b',
  // tsc and vue-tsc, plain (`a.ts(1,7): error TS2322: …`) and --pretty (`a.ts:1:7 - error TS2322: …`);
  // not the "Found 3 errors" summary.
  typecheck: 'error TS\\d+',
  mcp: GENERIC,
  agent: GENERIC,
};

const TEST_RUNNERS = new Set(['vitest', 'jest', 'mocha', 'ava', 'tap', 'tape']);
const PACKAGE_MANAGERS = new Set(['npm', 'pnpm', 'yarn', 'bun']);
const PACKAGE_RUNNERS = new Set(['npx', 'pnpx', 'bunx']);
const RUNTIMES = new Set(['node', 'tsx', 'ts-node']);
const WATCH_FLAGS = new Set(['--watch', '-w', '--watchAll']);

/** `node_modules/.bin/vitest`, `C:\…\tsc.cmd` → `vitest`, `tsc`. */
function programName(path: string): string {
  return basename(path.replaceAll('\\', '/'))
    .replace(/\.(?:cmd|exe|js|mjs|cjs)$/i, '')
    .toLowerCase();
}

/** Arguments that are not options (`--silent`, `-w`): a guess, since we do not know which options take values. */
const positionals = (args: readonly string[]) => args.filter((arg) => !arg.startsWith('-'));

/** npm/pnpm/yarn/bun script names: `test`, `test:unit`, `lint:fix`, `typecheck`, `npm t`. */
function scriptType(script: string): SessionType {
  if (/^(?:t|tst|test)(?:$|[:._-])/i.test(script)) return 'test';
  if (/^lint(?:$|[:._-])/i.test(script)) return 'lint';
  if (/^(?:typecheck|type-check|check-types|tsc)(?:$|[:._-])/i.test(script)) return 'typecheck';
  return 'profile';
}

/** `npx [options] [--] PROGRAM …`: the type of PROGRAM's command line. */
function programType(args: readonly string[]): SessionType {
  const program = args.findIndex((arg) => !arg.startsWith('-'));
  return program < 0 ? 'profile' : inferType(args.slice(program));
}

/**
 * The session type a command most likely is, from the name of its program (argv[0]) and, for
 * package managers, runtimes and some tools, its arguments. `--type` overrides it.
 */
export function inferType(command: readonly string[]): SessionType {
  const [first, ...args] = command;
  if (first === undefined) return 'profile';
  const name = programName(first);
  const watching = args.some((arg) => WATCH_FLAGS.has(arg));
  if (name === 'tsc' || name === 'vue-tsc') return watching ? 'watch' : 'typecheck';
  if (name === 'eslint') return 'lint';
  if (TEST_RUNNERS.has(name)) return watching || ['watch', 'dev'].includes(args[0] ?? '') ? 'watch' : 'test';
  if (PACKAGE_RUNNERS.has(name)) return programType(args);
  if (PACKAGE_MANAGERS.has(name)) {
    const [sub, next] = positionals(args);
    if (sub === 'exec' || sub === 'dlx' || sub === 'x') return programType(args.slice(args.indexOf(sub) + 1));
    const script = sub === 'run' || sub === 'run-script' ? next : sub;
    return script === undefined ? 'profile' : scriptType(script);
  }
  if (RUNTIMES.has(name)) {
    if (args.length === 0) return 'repl';
    if (args.includes('--test')) return 'test';
    if (args.includes('--watch')) return 'watch';
  }
  if (name === 'deno' && args[0] === 'test') return 'test';
  return 'profile';
}
