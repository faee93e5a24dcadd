import { loadConfig } from '../config.js';
import { closeDatabase, openDatabase } from '../db/sqlite/client.js';
import { openUnderLock } from '../db/sqlite/database-lock.js';
import { appliedMigrationCount, runMigrations } from '../db/sqlite/migrate.js';
import { parse, type Command } from './command.js';

const USAGE = `Usage:
  devflow migrate

  Applies pending database migrations to DEVFLOW_DB_PATH (creating the file and its folder
  if needed), all in one transaction: all of them or none. The server does the same on start;
  run it ahead of a deploy to migrate while the old version is still serving.`;

export const migrateCommand: Command = {
  summary: 'apply pending database migrations',
  usage: USAGE,
  async run(ctx) {
    const { values } = parse(ctx.argv, { help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      ctx.out(USAGE);
      return 0;
    }
    const { dbPath: path, busyTimeoutMs } = loadConfig(ctx.env);
    const { db, lock } = openUnderLock(path, busyTimeoutMs, () => openDatabase({ path, busyTimeoutMs }));
    let before: number;
    let after: number;
    try {
      before = appliedMigrationCount(db);
      runMigrations(db);
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
