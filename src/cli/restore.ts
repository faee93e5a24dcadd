import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { DatabaseInUseError } from '../db/sqlite/database-lock.js';
import { restoreDatabase, RestoreRefusedError } from '../db/sqlite/restore.js';
import { mib, refused, rowsText } from './backup.js';
import { parse, UsageError, type Command } from './command.js';
import { startProgress } from './progress.js';

const USAGE = `Usage:
  devflow restore FILE [--json]

  Replaces the database of DEVFLOW_DB_PATH with FILE (made by devflow backup, or a backup written
  before a migration). Stop the server first: while a DevFlow server or another devflow command
  has the database open, restore refuses and changes nothing.

  FILE is copied beside the database, checked there (PRAGMA integrity_check is ok; it is a DevFlow
  database of this version or an older one), then renamed over the database in one step; the old
  database's -wal and -shm files go with it. Start the server afterwards: a backup from an older
  version is migrated then (after a backup of its own). Progress goes to stderr.

  Refuses (exit 2): a running server or command, a FILE that does not exist or fails the checks,
  a database folder that does not exist.

  --json   print the result as JSON`;

export const restoreCommand: Command = {
  summary: 'replace the database with a backup (the server must be stopped)',
  usage: USAGE,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 1);
    if (values.help) {
      ctx.out(USAGE);
      return 0;
    }
    if (positionals[0] === undefined) throw new UsageError('restore needs the backup FILE to restore');
    const file = resolve(positionals[0]);
    const { dbPath } = loadConfig(ctx.env);
    const path = dbPath === ':memory:' ? dbPath : resolve(dbPath);
    if (path === ':memory:') return refused(ctx, 'restore', 'DEVFLOW_DB_PATH is :memory:, there is no file to restore into');
    if (!existsSync(file) || !statSync(file).isFile()) return refused(ctx, 'restore', `no backup file at ${file}`);
    if (!existsSync(dirname(path))) return refused(ctx, 'restore', `folder ${dirname(path)} of DEVFLOW_DB_PATH does not exist`);
    if (file === path) return refused(ctx, 'restore', `${file} is the database itself`);
    const progress = startProgress({ label: 'restore', unit: 'bytes', write: ctx.err });
    let result;
    try {
      result = await restoreDatabase({ file, path, onProgress: (done, total) => progress.update(done, total) });
    } catch (err) {
      if (err instanceof DatabaseInUseError || err instanceof RestoreRefusedError) return refused(ctx, 'restore', `refused: ${err.message}`);
      throw err;
    } finally {
      progress.finish({ summary: false });
    }
    const later = result.pendingMigrations > 0 ? `; the server applies ${result.pendingMigrations} migration${result.pendingMigrations === 1 ? '' : 's'} to it on its next start` : '';
    ctx.out(values.json ? JSON.stringify({ file, database: path, ...result }) : `restore: ${path} now holds ${file}: ${mib(result.bytes)}, ${rowsText(result.rows)}, ${result.seconds.toFixed(1)} s${later}${result.replaced ? `; the database it replaced is kept as ${result.replaced} (delete it once sure)` : ''}`);
    return 0;
  },
};
