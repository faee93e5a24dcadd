import { ConfigError, type Config } from '../config.js';
import { databaseFileExists, DatabasePathError } from './sqlite/database-folder.js';
import { openSqliteStore, type SqliteStore } from './sqlite/store.js';
import type { Store } from './store.js';

export type StoreDeps = {
  now: () => number;
  log: { warn: (obj: object, msg?: string) => void; error: (obj: object, msg?: string) => void; info?: (obj: object, msg?: string) => void };
};

/** The storage engine the configuration asks for, opened and migrated: SQLite (the embedded default). */
export function openStore(config: Config, deps: StoreDeps): Store {
  return openSqliteFromConfig(config, deps);
}

export function openSqliteFromConfig(config: Config, deps: StoreDeps): SqliteStore {
  return namingDbPath(() =>
    openSqliteStore({
      path: config.dbPath,
      busyTimeoutMs: config.busyTimeoutMs,
      cacheSizeMiB: config.cacheSizeMiB,
      groupCommitMs: config.groupCommitMs,
      rollups: config.rollups,
      exactReportCalls: config.exactReportCalls,
      ballastMiB: config.ballastMiB,
      backupsKeep: config.backupsKeep,
      now: deps.now,
      log: deps.log,
    }),
  );
}

/**
 * Runs an engine's open: a path the engine cannot use (its folder cannot be made, a file sits
 * where a folder should, SQLite cannot open it) becomes a ConfigError naming DEVFLOW_DB_PATH.
 */
export function namingDbPath<T>(open: () => T): T {
  try {
    return open();
  } catch (err) {
    if (err instanceof DatabasePathError) throw new ConfigError('DEVFLOW_DB_PATH', err.message);
    throw err;
  }
}

/**
 * For tools that only work on data already there: a missing database is a mistyped path far
 * more often than a wish for an empty one, so it is refused instead of created.
 */
export function requireExistingDatabase(config: Pick<Config, 'dbPath'>): void {
  if (databaseFileExists(config.dbPath)) return;
  throw new ConfigError('DEVFLOW_DB_PATH', `no database at ${config.dbPath}; start the server or run \`devflow migrate\` first`);
}
