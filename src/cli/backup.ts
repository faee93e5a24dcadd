import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { backupDatabase, type RowSummary } from '../db/sqlite/backup.js';
import { lockFileOf } from '../db/sqlite/database-lock.js';
import { parse, UsageError, type CliContext, type Command } from './command.js';
import { startProgress } from './progress.js';

const USAGE = `Usage:
  devflow backup FILE [--force] [--json]

  Writes a consistent copy of the database of DEVFLOW_DB_PATH to FILE, safe while the server runs
  and ingests: the copy holds every row committed before it began (SQLite's online backup API,
  inside one read snapshot). FILE is one self-contained SQLite file (no -wal beside it), readable
  by its owner only, written beside FILE and renamed into place once complete. Progress goes to
  stderr; one line (or JSON) on stdout at the end. Put it back with: devflow restore FILE

  Refuses (exit 2) an existing FILE unless --force, a folder that does not exist, and a database
  that does not exist.

  --force  replace FILE if it exists
  --json   print the result as JSON`;

/** One line on stderr, exit 2: the operator's to fix, nothing was written. */
export function refused(ctx: CliContext, command: string, message: string): number {
  ctx.err(`devflow: ${command}: ${message}`);
  return 2;
}

export function rowsText(rows: RowSummary | null): string {
  if (!rows) return 'rows not counted (schema before row counts)';
  const n = (v: number) => v.toLocaleString('en-US');
  return `${n(rows.toolCalls)} tool calls, ${n(rows.sessions)} sessions, ${n(rows.profiles)} profiles`;
}

export const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** Why the backup cannot be written there, or null. */
function whyNot(path: string, target: string, force: boolean): string | null {
  if (path === ':memory:') return 'DEVFLOW_DB_PATH is :memory:, there is no file to back up';
  if (!existsSync(path) || !statSync(path).isFile()) return `no database at ${path} (DEVFLOW_DB_PATH)`;
  if (!existsSync(dirname(target))) return `folder ${dirname(target)} does not exist; create it first`;
  if ([path, `${path}-wal`, `${path}-shm`, lockFileOf(path)].map((f) => resolve(f)).includes(target)) return `${target} is the database's own file; choose another FILE`;
  if (existsSync(target) && statSync(target).isDirectory()) return `${target} is a folder; give a file name`;
  if (existsSync(target) && !force) return `${target} already exists; pass --force to replace it`;
  return null;
}

export const backupCommand: Command = {
  summary: 'write a consistent copy of the database while the server runs',
  usage: USAGE,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { force: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 1);
    if (values.help) {
      ctx.out(USAGE);
      return 0;
    }
    if (positionals[0] === undefined) throw new UsageError('backup needs the FILE to write');
    const target = resolve(positionals[0]);
    const { dbPath, busyTimeoutMs } = loadConfig(ctx.env);
    const problem = whyNot(dbPath, target, values.force ?? false);
    if (problem) return refused(ctx, 'backup', problem);
    const progress = startProgress({ label: 'backup', unit: 'bytes', write: ctx.err });
    const result = await backupDatabase({ path: dbPath, target, waitMs: busyTimeoutMs, onProgress: (done, total) => progress.update(done, total) }).finally(() => progress.finish({ summary: false }));
    ctx.out(values.json ? JSON.stringify({ file: target, ...result }) : `backup: ${target}: ${mib(result.bytes)}, ${rowsText(result.rows)}, ${result.seconds.toFixed(1)} s`);
    return 0;
  },
};
