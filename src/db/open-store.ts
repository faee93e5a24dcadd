import type { Config } from '../config.js';
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
  return openSqliteStore({
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
  });
}
