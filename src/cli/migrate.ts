import { loadConfig } from '../config.js';
import { namingDbPath } from '../db/open-store.js';
import { closeDatabase, openDatabase } from '../db/sqlite/client.js';
import { openUnderLock } from '../db/sqlite/database-lock.js';
import { appliedMigrationCount, MIGRATIONS_FOLDER, runMigrations } from '../db/sqlite/migrate.js';
import { parse, type Command } from './command.js';

const USAGE = `Usage:
  devflow migrate

  Applies pending database migrations to DEVFLOW_DB_PATH (creating the file and its folder
  if needed), all in one transaction: all of them or none. The server does the same on start;
  run it ahead of a deploy to migrate while the old version is still serving.
  Before changing a database that holds data it writes a backup beside the file,
  <db>.backup-<time>-before-<migration>, and keeps the newest DEVFLOW_BACKUPS_KEEP (default 3;
  0 = no backup).`;

export const migrateCommand: Command = {
  summary: 'apply pending database migrations',
  usage: USAGE,
  async run(ctx) {
    const { values } = parse(ctx.argv, { help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      ctx.out(USAGE);
      return 0;
    }
    const { dbPath: path, busyTimeoutMs, backupsKeep } = loadConfig(ctx.env);
    const { db, lock } = namingDbPath(() => openUnderLock(path, busyTimeoutMs, () => openDatabase({ path, busyTimeoutMs })));
    let before: number;
    let after: number;
    try {
      before = appliedMigrationCount(db);
      runMigrations(db, MIGRATIONS_FOLDER, { keep: backupsKeep, log: { info: (_o, msg) => ctx.out(`devflow: ${msg ?? ''}`) } });
      after = appliedMigrationCount(db);
    } finally {
      closeDatabase(db);
      lock.release();
    }
    const applied = after - before;
    ctx.out(`${path}: applied ${applied} migration${applied === 1 ? '' : 's'}; ${after} in total, up to date`);
    return 0;
  },
};
