import type { Config } from '../config.js';
import type { Store } from '../db/store.js';

export type Logger = {
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
  error: (obj: object, msg?: string) => void;
};

/** What every service is built from: the storage port, the configuration, a clock and a logger. */
export type ServiceDeps = {
  store: Store;
  config: Config;
  now: () => number;
  log: Logger;
};
