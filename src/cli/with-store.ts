import { loadConfig, type Config } from '../config.js';
import { openStore, requireExistingDatabase } from '../db/open-store.js';
import type { Store } from '../db/store.js';
import type { CliContext } from './command.js';

export type StoreUse = {
  /**
   * Create the database when there is none (keys create: a key may be made before the first
   * start). Otherwise a missing database is refused: on a command that reads or changes data
   * it is a mistyped DEVFLOW_DB_PATH far more often than a wish for an empty file.
   */
  create?: boolean;
};

/**
 * The same configuration and database as the server: loadConfig from the environment, the
 * store opened as the server opens it (pending migrations applied), closed after. No ballast:
 * that is the server's reserve.
 */
export async function withStore<T>(ctx: CliContext, fn: (store: Store, config: Config) => T | Promise<T>, use: StoreUse = {}): Promise<T> {
  const config = { ...loadConfig(ctx.env), ballastMiB: 0 };
  if (!use.create) requireExistingDatabase(config);
  const report = (o: object, msg?: string) => ctx.err(`devflow: ${msg ?? ''} ${JSON.stringify(o)}`);
  const store = openStore(config, { now: Date.now, log: { warn: report, error: report } });
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}
