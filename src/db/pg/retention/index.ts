import { eq, sql } from 'drizzle-orm';
import type { RetentionRun, RetentionStore, RunContext } from '../../store.js';
import type { PgContext } from '../context.js';
import { retentionRuns, settings } from '../schema/index.js';
import { inTransaction } from '../transaction.js';
import { acquireLease, currentLease, releaseLease } from './lease.js';
import { countColumns } from '../../retention-run-rows.js';
import { retentionRunRecords } from './records.js';
import { sliceRunner } from './slice-runner.js';
import { closeStale, countExpired, deleteEndedSessions, deleteOlder, type Touched } from './steps.js';
import { analyzeTables, deleteExpiredRollups, reclaimSpace } from './upkeep.js';

const POLICY_KEY = 'retention.policy';
const SCHEDULER_SINCE_KEY = 'retention.scheduler.since';

const databaseBytes = async (ctx: PgContext): Promise<number> =>
  (await ctx.pool.query<{ n: number }>('select pg_database_size(current_database()) as n')).rows[0]?.n ?? 0;

/** An opened run (its row written, its lease held): the steps the service calls, each in committed slices. */
function runHandle(ctx: PgContext, id: number, context: RunContext): RetentionRun {
  const run = sliceRunner(ctx, context);
  const touched: Touched = new Set();
  return {
    id,
    deleteOlder: (kind, cutoff, tally) => deleteOlder(ctx, run, touched, kind, cutoff, tally),
    deleteEndedSessions: (cutoff, tally) => deleteEndedSessions(ctx, run, touched, cutoff, tally),
    closeStale: (cutoff, at, tally) => closeStale(run, cutoff, at, tally),
    countExpired: (cutoffs) => countExpired(ctx, run, cutoffs),
    deleteExpiredRollups: (cutoff) => deleteExpiredRollups(run, ctx, cutoff),
    analyze: () => analyzeTables(ctx),
    reclaimSpace: (mode) => reclaimSpace(ctx, run, mode, touched),
    async finish(outcome) {
      try {
        const bytesAfter = await databaseBytes(ctx);
        await ctx.db
          .update(retentionRuns)
          .set({ status: outcome.status, finishedAt: outcome.finishedAt, ...countColumns(outcome.counts), vacuumNote: outcome.note, error: outcome.error, bytesAfter })
          .where(eq(retentionRuns.id, id));
      } finally {
        await releaseLease(ctx, context.holder);
      }
    },
  };
}

/** Retention over PostgreSQL: policy and history in tables, one run per database across replicas (the lease), each step in committed slices. */
export function createPgRetentionStore(ctx: PgContext): RetentionStore {
  const records = retentionRunRecords(ctx);
  return {
    async policy() {
      const [row] = await ctx.db.select({ value: settings.value }).from(settings).where(eq(settings.key, POLICY_KEY));
      const value = row?.value;
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    },
    async savePolicy(value, at) {
      await ctx.db.insert(settings).values({ key: POLICY_KEY, value, updatedAt: at }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: at } });
    },
    async schedulerSince(now) {
      // One statement: the first replica to ask records its time; every later ask reads it.
      const res = await ctx.db.execute<{ value: unknown }>(sql`
        with ins as (insert into settings (key, value, updated_at) values (${SCHEDULER_SINCE_KEY}, ${JSON.stringify(now)}::jsonb, ${now}::int8) on conflict (key) do nothing returning value)
        select value from ins union all select value from settings where key = ${SCHEDULER_SINCE_KEY} limit 1`);
      const value = res.rows[0]?.value;
      return typeof value === 'number' ? value : now;
    },
    currentLease: (now) => currentLease(ctx, now),
    async openRun(run, context) {
      const bytesBefore = await databaseBytes(ctx);
      const id = await inTransaction(ctx, async (tx) => {
        if (!(await acquireLease(tx, context.holder, run.startedAt))) return null;
        const [row] = await tx
          .insert(retentionRuns)
          .values({ trigger: run.trigger, dryRun: run.dryRun, status: 'running', startedAt: run.startedAt, vacuumMode: run.vacuumMode, bytesBefore })
          .returning({ id: retentionRuns.id });
        return row?.id ?? null;
      });
      return id === null ? null : runHandle(ctx, id, context);
    },
    run: (id) => records.get(id),
    lastRun: () => records.last(),
    lastScheduledStart: () => records.lastScheduledStart(),
    listRuns: (page) => records.list(page),
  };
}
