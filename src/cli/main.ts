import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config-errors.js';
import { AppError } from '../lib/app-error.js';
import { UsageError, type CliContext, type Command } from './command.js';

/**
 * The dispatch table: one line per command, each in its own file, loaded when asked for. A
 * command loads only what it uses: `devflow run` wraps every test run and must not pay for the
 * database engine, the configuration schema and the other commands before its child starts.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  backup: async () => (await import('./backup.js')).backupCommand,
  keys: async () => (await import('./keys.js')).keysCommand,
  migrate: async () => (await import('./migrate.js')).migrateCommand,
  restore: async () => (await import('./restore.js')).restoreCommand,
  retention: async () => (await import('./retention.js')).retentionCommand,
  rollups: async () => (await import('./rollups.js')).rollupsCommand,
  run: async () => (await import('./run.js')).runCommand,
};

async function overview(): Promise<string> {
  const commands = await Promise.all(Object.entries(COMMANDS).map(async ([name, load]) => [name, (await load()).summary] as const));
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'devflow: DevFlow Analytics administration, on the same database and configuration as the server,',
    'and devflow run, which records a command as a session through the HTTP API.',
    '',
    'Usage: devflow <command> [options]',
    '',
    'Commands:',
    ...commands.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    `  ${'help'.padEnd(width)}  show this text, or a command's: devflow help <command>`,
    '',
    'Configuration comes from the environment, as for the server: DEVFLOW_DB_PATH',
    '(default ~/.devflow/analytics.db), DEVFLOW_BUSY_TIMEOUT_MS, DEVFLOW_CACHE_MIB. Only migrate',
    'and keys create make a missing database (the server does too); other commands refuse it.',
    'run never opens the database: it talks to the server at DEVFLOW_URL with DEVFLOW_API_KEY.',
    "Exit status: 0 done, 1 failed, 2 wrong usage or configuration; run exits with the command's.",
  ].join('\n');
}

async function lookup(name: string): Promise<Command> {
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) throw new UsageError(`unknown command '${name}' (expected ${Object.keys(COMMANDS).join(', ')} or help)`);
  return load();
}

async function dispatch(argv: string[], ctx: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('a command is needed');
  if (name === 'help' || name === '--help' || name === '-h') {
    if (rest.length > 1) throw new UsageError('help takes at most one command name');
    ctx.out(rest[0] === undefined ? await overview() : (await lookup(rest[0])).usage);
    return 0;
  }
  return (await lookup(name)).run({ ...ctx, argv: rest });
}

export type CliIo = Omit<CliContext, 'argv'>;

const processIo: CliIo = {
  env: process.env,
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

/** Runs one command line; every failure becomes one line on stderr and an exit status. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const { err } = io;
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      err(`devflow: ${error.message} (see: devflow help${argv[0] && Object.hasOwn(COMMANDS, argv[0]) ? ` ${argv[0]}` : ''})`);
      return 2;
    }
    if (error instanceof ConfigError) {
      err(`devflow: invalid configuration: ${error.message}`);
      return 2;
    }
    if (error instanceof AppError) {
      const first = error.errors?.[0];
      err(`devflow: ${error.message}${first && !error.message.includes(first.message) ? ` (${first.path} ${first.message})` : ''}`);
      return error.status === 400 ? 2 : 1;
    }
    err(`devflow: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** `node --import tsx src/cli/main.ts …` runs it; bin/devflow.js imports it and calls main. */
function isEntry(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) process.exitCode = await main(process.argv.slice(2));
