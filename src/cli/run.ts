import { constants } from 'node:os';
import type { DevSessionType as SessionType } from '../db/row-types.js';
import { parse, UsageError, type CliContext, type Command } from './command.js';
import { DEFAULT_URL, END_BUDGET_MS, startRecording, type SessionEnd } from './run-api.js';
import { FORWARDED_SIGNALS, runChild, type ChildIo, type ChildOutcome } from './run-child.js';
import { createOutputTally } from './run-output.js';
import { DEFAULT_PATTERNS, inferType } from './run-type.js';

/**
 * Every session type, from the patterns' keys: their record is keyed by DevSessionType, so tsc
 * holds it to the list in src/db/row-types.ts, and this command does not load that module (its
 * schema libraries cost most of a second before the child could start).
 */
const SESSION_TYPES = Object.keys(DEFAULT_PATTERNS) as SessionType[];

const USAGE = `Usage:
  devflow run [--type TYPE] [--profile NAME] [--project NAME] [--error-pattern REGEX] -- COMMAND [ARGS…]

  Runs COMMAND and records it as a session on a DevFlow server, over HTTP only (it never opens
  the database): DEVFLOW_URL (default ${DEFAULT_URL}) and DEVFLOW_API_KEY, a key with the ingest
  role. Everything after -- is the command, untouched. devflow exits with the command's own exit
  code (128+N when signal N ended it; 127 when the command is not found, 126 when it cannot be
  run, as a shell does).

  The command's stdin is its own; its stdout and stderr pass through byte for byte, read on the
  way to count lines. It therefore writes to pipes, not to the terminal: when devflow's stdout is
  a terminal it gets FORCE_COLOR=1 (unless FORCE_COLOR or NO_COLOR is set), which most tools
  honour; tools that only ask whether they write to a terminal need their own flag (tsc --pretty).
  SIGINT, SIGTERM and SIGHUP sent to devflow are passed on to the command (as npm run does);
  devflow waits for it to end.

  The session records: type; status completed (exit code 0), cancelled (ended by, or after
  devflow received, SIGINT, SIGTERM or SIGHUP) or failed (anything else); exitCode; outputLines,
  the lines written to stdout and stderr together (a line ends with a newline; a last line without
  one counts too); errorCount, the lines matching the error pattern, case-insensitively, with
  terminal colour codes removed before matching.

  Telemetry never changes what the command does: it starts without waiting for the server, and
  when the server is down, slow or refuses the key, or DEVFLOW_API_KEY is not set, the command
  runs all the same, devflow prints one line starting with "devflow:" on stderr after it and
  gives the server at most ${END_BUDGET_MS / 1000} s after the command's end. A --profile the server does not
  know is such a warning too; the session is then recorded without a profile.

  --type TYPE            ${SESSION_TYPES.join(', ')}. Default from the command:
                         tsc, vue-tsc → typecheck (with --watch/-w: watch); eslint → lint;
                         vitest, jest, mocha, ava, tap, tape, node --test, deno test → test
                         (vitest/jest with --watch, vitest watch|dev: watch); npm, pnpm, yarn,
                         bun <script> or run <script>: test, t, test:* → test, lint* → lint,
                         typecheck*, type-check*, tsc* → typecheck; npx/pnpm exec X: as X;
                         node, tsx, ts-node alone → repl, with --watch → watch; else profile.
  --profile NAME         the profile (name or id) the session ran with
  --project NAME         the project, free text (1–200 characters)
  --error-pattern REGEX  a JavaScript regular expression for error lines, instead of the type's:
                           typecheck  ${DEFAULT_PATTERNS.typecheck}
                           lint       ${DEFAULT_PATTERNS.lint}   (eslint's errors, not warnings)
                           test       ${DEFAULT_PATTERNS.test}
                           others     ${DEFAULT_PATTERNS.profile}   (error, Error:, TypeError; not errors)
                         Lines are counted, not problems: a runner that repeats failures in its
                         summary counts them twice.

Examples:
  devflow run -- npx vitest run
  devflow run --type test --project web -- npm test
  devflow run --error-pattern '^FAILED' -- ./check.sh`;

export type RunOptions = { command: string[]; type: SessionType; pattern: RegExp; profile?: string; project?: string };

function text(value: string | undefined, flag: string, max: number): string | undefined {
  if (value !== undefined && (value.length === 0 || value.length > max)) throw new UsageError(`${flag} must have 1 to ${max} characters`);
  return value;
}

/** The options before `--` and the command after it; null when help was asked for. Throws UsageError before anything runs. */
export function parseRunArgs(argv: readonly string[]): RunOptions | null {
  const dash = argv.indexOf('--');
  const head = dash < 0 ? [...argv] : argv.slice(0, dash);
  const wantsHelp = head.includes('--help') || head.includes('-h');
  if (dash < 0 && !wantsHelp) throw new UsageError('the command goes after --: devflow run [options] -- COMMAND [ARGS…]');
  const { values } = parse(head, {
    type: { type: 'string' },
    profile: { type: 'string' },
    project: { type: 'string' },
    'error-pattern': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return null;
  const command = argv.slice(dash + 1);
  if (command.length === 0 || command[0] === '') throw new UsageError('run needs a command after --');
  const type = values.type ?? inferType(command);
  if (!(SESSION_TYPES as readonly string[]).includes(type)) throw new UsageError(`--type must be one of ${SESSION_TYPES.join(', ')}`);
  const source = values['error-pattern'] ?? DEFAULT_PATTERNS[type as SessionType];
  let pattern: RegExp;
  try {
    if (source === '') throw new Error('it is empty');
    pattern = new RegExp(source, 'i');
  } catch (error) {
    throw new UsageError(`--error-pattern is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`);
  }
  return { command, type: type as SessionType, pattern, profile: text(values.profile, '--profile', 64), project: text(values.project, '--project', 200) };
}

/** The command's environment: ours, plus FORCE_COLOR when we write to a terminal and the user has not chosen. */
export function childEnv(env: NodeJS.ProcessEnv, stdoutIsTty: boolean): NodeJS.ProcessEnv {
  if (!stdoutIsTty || env.FORCE_COLOR !== undefined || env.NO_COLOR !== undefined) return env;
  return { ...env, FORCE_COLOR: '1' };
}

/** Exit code and status from how the command ended. */
export function outcomeOf(child: ChildOutcome): Pick<SessionEnd, 'status' | 'exitCode'> {
  if (!child.started) return { status: 'failed', exitCode: child.code };
  const exitCode = child.code ?? 128 + (child.signal ? constants.signals[child.signal] : 0);
  if (exitCode === 0) return { status: 'completed', exitCode };
  const interrupted = child.received !== null || (FORWARDED_SIGNALS as readonly string[]).includes(child.signal ?? '');
  return { status: interrupted ? 'cancelled' : 'failed', exitCode };
}

/**
 * The end's time budget, cut short when devflow is interrupted after the command ended (the
 * user wants out; the command's outcome is known already).
 */
async function withinBudget<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = new AbortController();
  const stop = () => interrupt.abort();
  for (const signal of FORWARDED_SIGNALS) process.on(signal, stop);
  try {
    return await fn(AbortSignal.any([AbortSignal.timeout(END_BUDGET_MS), interrupt.signal]));
  } finally {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, stop);
  }
}

async function record(ctx: CliContext, options: RunOptions, io: ChildIo): Promise<number> {
  const recorder = startRecording(ctx.env, { type: options.type, profile: options.profile, project: options.project });
  const tally = createOutputTally(options.pattern);
  const child = await runChild(options.command, childEnv(ctx.env, io.stdout.isTTY === true), tally, io);
  const endedAt = child.started ? child.exitedAt : new Date();
  if (!child.started) ctx.err(`devflow: ${child.message}`);
  const { status, exitCode } = outcomeOf(child);
  const warning = await withinBudget((signal) => recorder.finish({ status, exitCode, outputLines: tally.lines, errorCount: tally.errors, endedAt }, signal));
  // The warning starts its own line even when the command's last line had no newline.
  if (warning) ctx.err(`${child.started && child.openLine ? '\n' : ''}devflow: ${warning}`);
  return exitCode;
}

export const runCommand: Command = {
  summary: 'run a command and record it as a session (over HTTP: DEVFLOW_URL, DEVFLOW_API_KEY)',
  usage: USAGE,
  async run(ctx) {
    const options = parseRunArgs(ctx.argv);
    if (!options) {
      ctx.out(USAGE);
      return 0;
    }
    return record(ctx, options, { stdout: process.stdout, stderr: process.stderr });
  },
};
