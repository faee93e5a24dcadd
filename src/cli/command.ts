import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a command sees: its own arguments, the environment, and where to write. */
export type CliContext = {
  /** Arguments after the command name (`keys create --name x` → `['create', '--name', 'x']`). */
  argv: string[];
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
};

/** One entry of the dispatch table in main.ts. */
export type Command = {
  /** One line for `devflow help`. */
  summary: string;
  /** The full text for `devflow help <command>` and `devflow <command> --help`. */
  usage: string;
  /** Resolves to the exit code. Throw UsageError for misuse (exit 2). */
  run: (ctx: CliContext) => Promise<number> | number;
};

/** The caller got the command line wrong: one line on stderr, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * `<group> <sub> [args…]`: null when help was asked for (the usage is printed), otherwise the
 * subcommand and its arguments; a missing or unknown subcommand is a UsageError.
 */
export function subcommand(ctx: CliContext, group: string, allowed: readonly string[], usage: string): { sub: string; args: string[] } | null {
  const [sub, ...args] = ctx.argv;
  if (sub === '--help' || sub === '-h' || args.includes('--help') || args.includes('-h')) {
    ctx.out(usage);
    return null;
  }
  if (sub === undefined) throw new UsageError(`${group} needs a subcommand: ${allowed.join(', ')}`);
  if (!allowed.includes(sub)) throw new UsageError(`unknown ${group} subcommand '${sub}' (expected ${allowed.join(', ')})`);
  return { sub, args };
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its errors turned into one-line usage errors. */
export function parse<T extends Options>(args: string[], options: T, maxPositionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    // Node's messages end with hints like "To specify a positional argument…"; keep the first sentence.
    throw new UsageError((err instanceof Error ? err.message : String(err)).split('. ')[0] ?? 'invalid arguments');
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[maxPositionals] ?? ''}'`);
  }
  return parsed;
}
