import { homedir } from 'node:os';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError, mustBe } from './config-errors.js';

export { ConfigError };
import { DEFAULT_CACHE_MIB } from './db/sqlite/client.js';

const LogLevel = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
);

/** Every setting the service reads from the environment, with its default. */
export const ConfigSchema = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  logLevel: LogLevel,
  dbPath: Type.String({ minLength: 1 }),
  adminKey: Type.Optional(Type.String({ minLength: 16 })),
  maxBatch: Type.Integer({ minimum: 1, maximum: 100_000 }),
  bodyLimit: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024 }),
  rateLimitMax: Type.Integer({ minimum: 0 }),
  rateLimitWindowMs: Type.Integer({ minimum: 1000 }),
  corsOrigins: Type.Array(Type.String()),
  requestTimeoutMs: Type.Integer({ minimum: 1000 }),
  busyTimeoutMs: Type.Integer({ minimum: 0 }),
  cacheSizeMiB: Type.Integer({ minimum: 2 }),
  groupCommitMs: Type.Integer({ minimum: 0, maximum: 1000 }),
  scheduler: Type.Boolean(),
  rollups: Type.Boolean(),
  exactReportCalls: Type.Integer({ minimum: 0 }),
  ballastMiB: Type.Integer({ minimum: 0, maximum: 65536 }),
  backupsKeep: Type.Integer({ minimum: 0, maximum: 1000 }),
  metrics: Type.Boolean(),
});
export type Config = Static<typeof ConfigSchema>;

type EnvSpec = {
  key: keyof Config;
  env: string;
  parse: (raw: string) => unknown;
  fallback: () => unknown;
  describe: string;
};

const int = (raw: string): unknown => (/^-?\d+$/.test(raw.trim()) ? Number(raw) : raw);
const bool = (raw: string): unknown =>
  ({ true: true, '1': true, false: false, '0': false })[raw.trim().toLowerCase()] ?? raw;
const str = (raw: string): unknown => raw;

/** The variables in the order the README's configuration table lists them. */
export const ENV_SPECS: EnvSpec[] = [
  { key: 'host', env: 'HOST', parse: str, fallback: () => '127.0.0.1', describe: 'interface to listen on' },
  { key: 'port', env: 'PORT', parse: int, fallback: () => 3000, describe: 'TCP port (0 = any free port)' },
  { key: 'logLevel', env: 'LOG_LEVEL', parse: str, fallback: () => 'info', describe: 'pino level: fatal, error, warn, info, debug, trace, silent' },
  { key: 'dbPath', env: 'DEVFLOW_DB_PATH', parse: str, fallback: () => join(homedir(), '.devflow', 'analytics.db'), describe: 'SQLite file; its folder is created with mode 0700, the files are 0600' },
  { key: 'adminKey', env: 'DEVFLOW_ADMIN_KEY', parse: str, fallback: () => undefined, describe: 'an admin API key accepted as is (at least 16 characters); otherwise one is generated into admin.key beside the database' },
  { key: 'maxBatch', env: 'DEVFLOW_MAX_BATCH', parse: int, fallback: () => 1000, describe: 'most items in one batch write' },
  { key: 'bodyLimit', env: 'DEVFLOW_BODY_LIMIT', parse: int, fallback: () => 2 * 1024 * 1024, describe: 'largest request body in bytes (after decompression)' },
  { key: 'rateLimitMax', env: 'DEVFLOW_RATE_LIMIT', parse: int, fallback: () => 60_000, describe: 'requests per key per window (0 disables)' },
  { key: 'rateLimitWindowMs', env: 'DEVFLOW_RATE_LIMIT_WINDOW_MS', parse: int, fallback: () => 60_000, describe: 'rate-limit window in milliseconds' },
  { key: 'corsOrigins', env: 'DEVFLOW_CORS_ORIGINS', parse: (raw) => raw.split(',').map((s) => s.trim()).filter(Boolean), fallback: () => [], describe: 'comma-separated origins allowed by CORS (empty = CORS off)' },
  { key: 'requestTimeoutMs', env: 'DEVFLOW_REQUEST_TIMEOUT_MS', parse: int, fallback: () => 30_000, describe: 'a request (body included) taking longer is cut' },
  { key: 'busyTimeoutMs', env: 'DEVFLOW_BUSY_TIMEOUT_MS', parse: int, fallback: () => 5000, describe: 'how long a write waits for another process\'s lock' },
  {
    key: 'cacheSizeMiB',
    env: 'DEVFLOW_CACHE_MIB',
    parse: int,
    fallback: () => DEFAULT_CACHE_MIB,
    describe: 'SQLite page cache per connection, MiB (larger makes commits that split index pages slower: see src/db/sqlite/client.ts)',
  },
  {
    key: 'groupCommitMs',
    env: 'DEVFLOW_GROUP_COMMIT_MS',
    parse: int,
    fallback: () => 2,
    describe: 'most ms a write waits for others to share its commit: the group commits as soon as an event-loop turn brings no new write (0 = at the end of the first turn)',
  },
  { key: 'ballastMiB', env: 'DEVFLOW_BALLAST_MIB', parse: int, fallback: () => 64, describe: 'disk space reserved beside the database and released when the disk fills up, so retention can recover (0 = none)' },
  { key: 'backupsKeep', env: 'DEVFLOW_BACKUPS_KEEP', parse: int, fallback: () => 3, describe: 'backups written beside the database before migrations are applied: how many of the newest to keep (0 = write none)' },
  { key: 'scheduler', env: 'DEVFLOW_SCHEDULER', parse: bool, fallback: () => true, describe: 'run the retention schedule in this process' },
  {
    key: 'rollups',
    env: 'DEVFLOW_ROLLUPS',
    parse: bool,
    fallback: () => true,
    describe: 'keep the tool-call rollups up to date at ingest; false (bulk loads) makes the tool reports read raw rows until the rollups are rebuilt in the background at the next start with true',
  },
  {
    key: 'exactReportCalls',
    env: 'DEVFLOW_EXACT_REPORT_CALLS',
    parse: int,
    fallback: () => 20_000,
    describe: 'a tool report without a profile or project filter over at most this many calls, all still stored raw, is computed from raw rows with exact percentiles (0 = always from rollups)',
  },
  { key: 'metrics', env: 'DEVFLOW_METRICS', parse: bool, fallback: () => false, describe: 'serve GET /metrics (Prometheus text format, read role); off, it is a 404 like any unknown route' },
];


/** Reads and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const draft: Record<string, unknown> = {};
  for (const spec of ENV_SPECS) {
    const raw = env[spec.env];
    const value = raw === undefined || raw === '' ? spec.fallback() : spec.parse(raw);
    if (value !== undefined) draft[spec.key] = value;
  }
  const config = { ...draft, ...overrides };
  const error = Value.Errors(ConfigSchema, config).First();
  if (error) {
    const key = (error.path.split('/')[1] ?? '') as keyof Config;
    const spec = ENV_SPECS.find((s) => s.key === key);
    const shown = spec ? JSON.stringify(env[spec.env] ?? '') : '';
    const expected = key in ConfigSchema.properties ? mustBe(ConfigSchema.properties[key]) : error.message;
    throw new ConfigError(spec?.env ?? key, `invalid value ${spec?.key === 'adminKey' ? '(hidden)' : shown}: ${expected}`);
  }
  return config as Config;
}

/** Test and tool defaults: an in-memory-free temp path must still be given by the caller. */
export function testConfig(overrides: Partial<Config> & { dbPath: string }): Config {
  return loadConfig({}, { logLevel: 'silent', scheduler: false, groupCommitMs: 0, ballastMiB: 0, ...overrides });
}
