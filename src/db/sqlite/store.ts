import { eq } from 'drizzle-orm';
import { SUMMARY_LAYOUT } from '../../lib/rollup-grains.js';
import type { Store } from '../store.js';
import { createAppenders } from './append.js';
import { createApiKeyStore } from './api-keys.js';
import { ensureBallast, releaseBallast } from './ballast.js';
import { fileBulkLoadedCalls } from './bulk-loaded.js';
import { closeDatabase, openDatabase, optimize, writeTransaction, type Db } from './client.js';
import { openUnderLock } from './database-lock.js';
import { isDiskFull, translated } from './errors.js';
import { ingestGroup } from './ingest-group.js';
import { listNewestFirst, timeRange } from './keyset-list.js';
import { MIGRATIONS_FOLDER, runMigrations } from './migrate.js';
import { createProfileStore } from './profiles.js';
import { createReportStore } from './reports/index.js';
import { createRetentionStore } from './retention/index.js';
import { rollupKeeper } from './rollups/keeper.js';
import { rollupRebuilder } from './rollups/rebuild.js';
import { rollupRows } from './rollups/rows.js';
import { rollupStateAccess } from './rollups/state.js';
import { featureUsage, productivityEvents } from './schema/index.js';
import { createSessionDims } from './session-dims.js';
import { sessionRemoval } from './session-removal.js';
import { createSessionStore } from './sessions.js';
import { engineStats, storageStats } from './stats.js';
import { FANOUT, RUN_IDS } from './tool-call-id-cut.js';
import { toolCallIdUpkeep } from './tool-call-id-upkeep.js';
import { toolCallIdIndex } from './tool-call-ids.js';
import { toolCallReads } from './tool-call-reads.js';
import { toolCallStaging } from './tool-call-staging.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import { createWriteQueue } from './write-queue.js';

export type SqliteStoreOptions = {
  path: string;
  busyTimeoutMs?: number;
  cacheSizeMiB?: number;
  /** Most ms a write waits for others to share its commit (src/db/sqlite/write-queue.ts). */
  groupCommitMs: number;
  /** Keep the tool-call rollups up to date at ingest (false: reports read raw rows until a rebuild). */
  rollups: boolean;
  /** A tool report over at most this many calls, all still raw, is computed from raw rows. */
  exactReportCalls: number;
  /** Disk reserved beside the database and released when the disk fills up (0 = none). */
  ballastMiB: number;
  /** Backups before migrations kept beside the file (migration-backups.ts); none when absent or 0. */
  backupsKeep?: number;
  now: () => number;
  log: { warn: (obj: object, msg?: string) => void; error: (obj: object, msg?: string) => void; info?: (obj: object, msg?: string) => void };
  foldEveryMs?: number;
  moveEveryMs?: number;
  /** Calls above the last id run that make a new one (tool-call-id-upkeep.ts). */
  idRunSize?: number;
  /** Runs of one level that merge into one of the next (tool-call-id-upkeep.ts). */
  idRunFanout?: number;
};

/** What only the SQLite engine has: its connection, for its own tests and tools, and a way to make every table complete now. */
export type SqliteInternals = {
  readonly db: Db;
  /** Commits the writes waiting for their group, moves staged calls into tool_calls and folds rollup deltas. */
  settle(): void;
};
export type SqliteStore = Store & { readonly sqlite: SqliteInternals };

/** Reads: every other method writes, and one that works clears the disk-full state. */
const READS = new Set(['find', 'list', 'audit', 'deletedProfileId', 'activeByHash', 'count', 'export', 'state', 'needsUpgrade', 'policy', 'currentLease', 'run', 'lastRun', 'lastScheduledStart', 'listRuns', 'sessions', 'tools', 'toolsTimeseries', 'productivity', 'features', 'profiles', 'stats', 'engineStats', 'notReadyReason']);

/** Opens (creating it if needed) under its lock (database-lock.ts), migrates and tunes the database file. */
function openMigrated(options: SqliteStoreOptions) {
  const { log } = options;
  const opened = openUnderLock(options.path, options.busyTimeoutMs ?? 5000, () => openDatabase({ path: options.path, busyTimeoutMs: options.busyTimeoutMs, cacheSizeMiB: options.cacheSizeMiB }));
  try {
    runMigrations(opened.db, MIGRATIONS_FOLDER, { keep: options.backupsKeep ?? 0, log: { info: (o, m) => (log.info ? log.info(o, m) : log.warn(o, m)) } });
    optimize(opened.db);
  } catch (err) {
    opened.db.$client.close();
    opened.lock.release();
    throw err;
  }
  const { db, lock } = opened;
  // The lock goes last: until the file is closed, a restore must not replace it.
  const closeFile = () => {
    try {
      if (db.$client.open) closeDatabase(db);
    } finally {
      lock.release();
    }
  };
  return { db, closeFile };
}

/**
 * Closes an open store: writes still waiting for their group commit are committed, not lost,
 * and staged calls moved; then, even when those last writes failed (a full disk), the WAL is
 * truncated as far as it can be, the file closes and its lock goes.
 */
async function closeOpenStore(parts: {
  db: Db;
  writes: { flush(): void };
  staging: { stop(): void; moveAll(): void };
  upkeep: { stop(): void };
  ids: { saveFilter(): void };
  checkpoints: { stop(options: { truncate: boolean }): Promise<unknown> };
  closeFile: () => void;
  log: { warn: (obj: object, msg?: string) => void };
}): Promise<void> {
  try {
    parts.writes.flush();
    parts.staging.stop();
    parts.upkeep.stop();
    parts.staging.moveAll();
    try {
      writeTransaction(parts.db, () => parts.ids.saveFilter());
    } catch (err) {
      // Only a cost at the next start (it reads the ids again); the disk may be full.
      parts.log.warn({ err }, 'tool-call id filter not saved');
    }
  } finally {
    await parts.checkpoints.stop({ truncate: true }).finally(parts.closeFile);
  }
}

/** The engine's parts, wired: staging and its moves, the id index and its upkeep, rollups, the group commit. */
function engineParts(db: Db, options: SqliteStoreOptions) {
  const { now } = options;
  // Moved calls may make a new id run (cut): the id upkeep, built below, is told after each move.
  let afterMove = () => undefined as void;
  const staging = toolCallStaging(db, options.moveEveryMs, () => afterMove());
  const moveStaged = () => void staging.moveAll();
  const sessionDims = createSessionDims(db);
  const state = rollupStateAccess(db, now);
  const rows = rollupRows(db);
  const keeper = rollupKeeper({ db, rows, state, enabled: options.rollups, foldEveryMs: options.foldEveryMs });
  const rebuilder = rollupRebuilder({ db, now, rows, state, keeper, moveStaged });
  // Switched off, rollups fall behind: reports read raw rows from now on, and the next start
  // with rollups on rebuilds them from scratch.
  if (!options.rollups && state.read().built) writeTransaction(db, (tx) => state.patch(tx, { built: false, next: null, end: null, layout: SUMMARY_LAYOUT }));
  // Calls a crash left staged go where every reader looks.
  moveStaged();
  fileBulkLoadedCalls(db, options.log);
  const ids = toolCallIdIndex(db, options.log);
  const sizes = { runIds: options.idRunSize ?? RUN_IDS, fanout: options.idRunFanout ?? FANOUT };
  const upkeep = toolCallIdUpkeep({ db, index: ids, sizes, onError: (err) => options.log.warn({ err }, 'tool-call id upkeep: a step failed; the next commit retries') });
  afterMove = upkeep.schedule;
  const group = ingestGroup({ db, staging, ids, rollups: keeper, sessionDims, afterCommit: upkeep.schedule });
  const writes = createWriteQueue({ db, windowMs: options.groupCommitMs, steps: group.steps });
  const append = createAppenders({ db, writes, group, staging, ids, sessionDims });
  const removeSessions = sessionRemoval({ db, keeper, ids, sessionDims });
  return { staging, moveStaged, sessionDims, state, keeper, rebuilder, ids, upkeep, writes, append, removeSessions };
}

/**
 * Disk-full handling: in WAL mode, once SQLite hits SQLITE_FULL even DELETE and checkpoints
 * fail; the ballast gives retention the room to dig the service out.
 */
function diskHealth(path: string, log: SqliteStoreOptions['log']) {
  let storageFull = false;
  return {
    failed(err: unknown) {
      if (!isDiskFull(err)) return;
      const released = releaseBallast(path);
      if (!storageFull) log.error({ released }, 'database disk is full: ballast released; delete data (retention) to recover');
      storageFull = true;
    },
    wrote() {
      storageFull = false;
    },
    full: () => storageFull,
  };
}

/** Productivity events and feature usage: appended with the group commit, listed newest first. */
function eventStores(db: Db, append: EngineParts['append']) {
  return {
    productivityEvents: {
      append: (drafts, opts) => append.productivityEvents(drafts, opts),
      async list(q) {
        const t = productivityEvents;
        const conditions = [q.session === undefined ? undefined : eq(t.sessionId, q.session), q.eventType === undefined ? undefined : eq(t.eventType, q.eventType)];
        return listNewestFirst(db, { table: t, time: t.createdAt, id: t.id, conditions: [...conditions, ...timeRange(t.createdAt, q)], after: q.after, limit: q.limit });
      },
    } satisfies Store['productivityEvents'],
    featureUsage: {
      append: (drafts, opts) => append.featureUsage(drafts, opts),
      async list(q) {
        const t = featureUsage;
        const conditions = [q.session === undefined ? undefined : eq(t.sessionId, q.session), q.feature === undefined ? undefined : eq(t.featureName, q.feature)];
        return listNewestFirst(db, { table: t, time: t.startedAt, id: t.id, conditions: [...conditions, ...timeRange(t.startedAt, q)], after: q.after, limit: q.limit });
      },
    } satisfies Store['featureUsage'],
  };
}

type EngineParts = ReturnType<typeof engineParts>;

/** Opens (creating it if needed) and migrates the database file, and builds the store over it. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const { path, now } = options;
  const { db, closeFile } = openMigrated(options);
  const ballastBytes = options.ballastMiB * 1024 * 1024;
  if (!ensureBallast(path, ballastBytes) && path !== ':memory:' && ballastBytes > 0) options.log.warn({ ballastMiB: options.ballastMiB }, 'not enough free disk for the ballast file');
  // WAL checkpoints (copy + fsync) run on a worker thread while the store is open, so no request waits for one.
  const checkpoints = startWalCheckpointer(db, path);
  const { staging, moveStaged, sessionDims, state, keeper, rebuilder, ids, upkeep, writes, append, removeSessions } = engineParts(db, options);
  const calls = toolCallReads(db);
  const health = diskHealth(path, options.log);
  const guard = <T extends object>(part: T): T => translated(part, health, READS);
  const events = eventStores(db, append);

  const statsPart = guard({
    async stats() {
      moveStaged();
      return storageStats(db, path);
    },
    engineStats: async () => engineStats(db, path, { writes, staging, keeper, state }),
  });

  const store: SqliteStore = {
    engine: 'sqlite',
    profiles: guard(createProfileStore(db, { moveStaged, removeSessionsOf: (tx, profileId) => removeSessions(tx, { profileId }) })),
    sessions: guard(createSessionStore(db, { moveStaged, removeSessions })),
    toolCalls: guard({
      append: (drafts, opts) => append.toolCalls(drafts, opts, now()),
      async list(q) {
        moveStaged();
        return calls.list(q);
      },
      export: (filter) => calls.export(filter, moveStaged),
    }),
    productivityEvents: guard(events.productivityEvents),
    featureUsage: guard(events.featureUsage),
    apiKeys: guard(createApiKeyStore(db)),
    reports: guard(createReportStore({ db, rollups: keeper, state, moveStaged, exactReportCalls: options.exactReportCalls })),
    rollups: guard({
      state: async () => state.read(),
      async needsUpgrade() {
        const s = state.read();
        return s.built && s.layout < SUMMARY_LAYOUT;
      },
      rebuild: (opts) => rebuilder.rebuild(opts),
      upgradeSummaries: (signal) => rebuilder.upgradeSummaries(signal),
      closeDays: (signal) => rebuilder.closeDays(signal),
    }),
    retention: guard(createRetentionStore({ db, path, moveStaged, ids, sessionsDeleted: () => sessionDims.forgetAll(), deleteExpiredRollupSlice: rebuilder.deleteExpiredSlice })),
    stats: statsPart.stats,
    engineStats: statsPart.engineStats,
    async notReadyReason() {
      if (health.full()) return 'the database disk is full';
      try {
        db.$client.prepare('select 1').get();
      } catch {
        return 'the database does not answer';
      }
      return null;
    },
    async close() {
      if (!db.$client.open) return closeFile();
      await closeOpenStore({ db, writes, staging, upkeep, ids, checkpoints, closeFile, log: options.log });
    },
    sqlite: {
      db,
      settle() {
        writes.flush();
        staging.moveAll();
        keeper.settle();
        upkeep.runAll();
      },
    },
  };
  return store;
}
