import { eq } from 'drizzle-orm';
import type { RetentionStore } from '../../store.js';
import { databaseSizes, writeTransaction } from '../client.js';
import { retentionRuns, settings } from '../schema/index.js';
import type { ToolCallIdIndex } from '../tool-call-ids.js';
import { deletedIdTracker } from './deleted-ids.js';
import { acquireLease, currentLease } from './lease.js';
import { retentionRunHandle, type RunHandleDeps } from './run-handle.js';
import { retentionRunRecords } from './runs.js';
import { prepareSteps } from './steps.js';

const POLICY_KEY = 'retention.policy';
const SCHEDULER_SINCE_KEY = 'retention.scheduler.since';

type Deps = Omit<RunHandleDeps, 'steps' | 'deleted'> & { ids: ToolCallIdIndex };

/** Retention over SQLite: the policy and run history in tables, one run per file at a time (a lease row), each step in time-sized slices. */
export function createRetentionStore({ db, path, ids, moveStaged, sessionsDeleted, deleteExpiredRollupSlice }: Deps): RetentionStore {
  const deleted = deletedIdTracker(ids);
  const steps = prepareSteps(db, deleted.sink);
  const runDeps: RunHandleDeps = { db, path, steps, deleted, moveStaged, sessionsDeleted, deleteExpiredRollupSlice };
  const records = retentionRunRecords(db);
  const setting = (key: string) => db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value;

  return {
    async policy() {
      const value = setting(POLICY_KEY);
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    },
    async savePolicy(value, at) {
      writeTransaction(db, (tx) => tx.insert(settings).values({ key: POLICY_KEY, value, updatedAt: at }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: at } }).run());
    },
    async schedulerSince(now) {
      return writeTransaction(db, (tx) => {
        const row = tx.select({ value: settings.value }).from(settings).where(eq(settings.key, SCHEDULER_SINCE_KEY)).get();
        if (row && typeof row.value === 'number') return row.value;
        tx.insert(settings).values({ key: SCHEDULER_SINCE_KEY, value: now, updatedAt: now }).onConflictDoNothing().run();
        return now;
      });
    },
    currentLease: async (now) => currentLease(db, now),
    async openRun(run, context) {
      const id = writeTransaction(db, (tx) => {
        if (!acquireLease(tx, context.holder, run.startedAt)) return null;
        const row = { trigger: run.trigger, dryRun: run.dryRun, status: 'running' as const, startedAt: run.startedAt, vacuumMode: run.vacuumMode, bytesBefore: databaseSizes(db, path).databaseBytes };
        return Number(tx.insert(retentionRuns).values(row).returning({ id: retentionRuns.id }).get().id);
      });
      return id === null ? null : retentionRunHandle(runDeps, id, run.dryRun, context);
    },
    run: async (id) => records.get(id),
    lastRun: async () => records.last(),
    lastScheduledStart: async () => records.lastScheduledStart(),
    listRuns: async (page) => records.list(page),
  };
}
