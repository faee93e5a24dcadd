import { Cron } from 'croner';
import type { Store } from '../db/store.js';
import { invalid } from '../lib/app-error.js';
import type { VacuumMode } from '../lib/vocabulary.js';

export { VACUUM_MODES, type VacuumMode } from '../lib/vocabulary.js';

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
export async function loadPolicy(store: Pick<Store, 'retention'>): Promise<RetentionPolicy> {
  return { ...DEFAULT_POLICY, ...((await store.retention.policy()) as Partial<RetentionPolicy> | undefined) };
}

/** A PUT body may omit rollupDays (it came after the contract's fields): it then keeps the default. */
export async function savePolicy(store: Pick<Store, 'retention'>, policy: Omit<RetentionPolicy, 'rollupDays'> & { rollupDays?: number }, now: number): Promise<RetentionPolicy> {
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
  await store.retention.savePolicy(value, now);
  return value;
}
