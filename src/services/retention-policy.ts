import { Cron } from 'croner';
import { eq } from 'drizzle-orm';
import { writeTransaction, type Db } from '../db/sqlite/client.js';
import { settings } from '../db/sqlite/schema.js';
import { invalid } from '../lib/app-error.js';

export const VACUUM_MODES = ['incremental', 'full', 'off'] as const;
export type VacuumMode = (typeof VACUUM_MODES)[number];

export type RetentionPolicy = {
  toolCallsDays: number;
  sessionsDays: number;
  productivityEventsDays: number;
  featureUsageDays: number;
  staleSessionHours: number;
  /** Tool-call rollups (issue 9), kept longer than raw rows so trends outlive them. */
  rollupDays: number;
  schedule: string;
  vacuum: VacuumMode;
};

/** Contract defaults ("Retention and maintenance"); the schedule is daily at 03:30 server time. */
export const DEFAULT_POLICY: RetentionPolicy = Object.freeze({
  toolCallsDays: 90,
  sessionsDays: 365,
  productivityEventsDays: 365,
  featureUsageDays: 90,
  staleSessionHours: 24,
  rollupDays: 730,
  schedule: '30 3 * * *',
  vacuum: 'incremental',
});

/** Keep "forever" expressible (100 years) while rejecting values that overflow time arithmetic. */
export const MAX_DAYS = 36_500;
export const MAX_HOURS = MAX_DAYS * 24;

const POLICY_KEY = 'retention.policy';
const SCHEDULER_SINCE_KEY = 'retention.scheduler.since';

/**
 * A cron expression croner accepts (5 fields, or 6 with seconds first, or a nickname such as
 * @daily) that fires at least once more. croner also takes ISO dates as one-shot "patterns":
 * those are not schedules, so the field count is checked first.
 */
export function scheduleProblem(expr: string): string | null {
  const trimmed = expr.trim();
  const fields = trimmed.split(/\s+/);
  if (!(trimmed.startsWith('@') && fields.length === 1) && fields.length !== 5 && fields.length !== 6) {
    return 'must be a cron expression of 5 fields (minute hour day month weekday), 6 with seconds first, or a nickname like @daily';
  }
  try {
    const job = new Cron(trimmed, { paused: true });
    const next = job.nextRun();
    job.stop();
    return next ? null : 'never fires';
  } catch (err) {
    return `is not a valid cron expression: ${err instanceof Error ? err.message : String(err)}`;
  }
}

export function assertValidPolicy(policy: Pick<RetentionPolicy, 'schedule'>): void {
  const problem = scheduleProblem(policy.schedule);
  if (problem) throw invalid(`schedule ${problem}`, [{ path: '/schedule', message: problem }]);
}

/** The persisted policy; stored fields override defaults so a policy saved by an older version still reads. */
export function loadPolicy(db: Db): RetentionPolicy {
  const row = db.select({ value: settings.value }).from(settings).where(eq(settings.key, POLICY_KEY)).get();
  const stored = row && typeof row.value === 'object' && row.value !== null ? (row.value as Partial<RetentionPolicy>) : {};
  return { ...DEFAULT_POLICY, ...stored };
}

/** A PUT body may omit rollupDays (it came after the contract's fields): it then keeps the default. */
export function savePolicy(db: Db, policy: Omit<RetentionPolicy, 'rollupDays'> & { rollupDays?: number }, now: number): RetentionPolicy {
  assertValidPolicy(policy);
  const value: RetentionPolicy = {
    toolCallsDays: policy.toolCallsDays,
    sessionsDays: policy.sessionsDays,
    productivityEventsDays: policy.productivityEventsDays,
    featureUsageDays: policy.featureUsageDays,
    staleSessionHours: policy.staleSessionHours,
    rollupDays: policy.rollupDays ?? DEFAULT_POLICY.rollupDays,
    schedule: policy.schedule.trim(),
    vacuum: policy.vacuum,
  };
  writeTransaction(db, (tx) =>
    tx.insert(settings)
      .values({ key: POLICY_KEY, value, updatedAt: now })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } })
      .run(),
  );
  return value;
}

/**
 * When the scheduler first ran against this file. A missed run is judged from the last
 * scheduled run, or from this moment when there never was one (a laptop that is always off at
 * night still gets its retention after start).
 */
export function schedulerSince(db: Db, now: number): number {
  return writeTransaction(db, (tx) => {
    const row = tx.select({ value: settings.value }).from(settings).where(eq(settings.key, SCHEDULER_SINCE_KEY)).get();
    if (row && typeof row.value === 'number') return row.value;
    tx.insert(settings).values({ key: SCHEDULER_SINCE_KEY, value: now, updatedAt: now }).onConflictDoNothing().run();
    return now;
  });
}
