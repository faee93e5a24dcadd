import { performance } from 'node:perf_hooks';
import type { RetentionCounts, RetentionRun } from '../db/store.js';
import { LeaseLostError, RunAbortedError } from '../lib/run-errors.js';
import type { Logger, ServiceDeps } from './deps.js';
import type { FinishedRun } from './retention-counters.js';
import type { RetentionPolicy } from './retention-policy.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Past this many deleted rows the planner statistics are refreshed. */
const ANALYZE_AFTER_ROWS = 10_000;
const CHILDREN = ['toolCalls', 'productivityEvents', 'featureUsage'] as const;

export function cutoffsFor(policy: RetentionPolicy, now: number) {
  return {
    toolCalls: now - policy.toolCallsDays * DAY_MS,
    productivityEvents: now - policy.productivityEventsDays * DAY_MS,
    featureUsage: now - policy.featureUsageDays * DAY_MS,
    sessions: now - policy.sessionsDays * DAY_MS,
    stale: now - policy.staleSessionHours * HOUR_MS,
  };
}

const noCounts = (): RetentionCounts => ({ toolCalls: 0, sessions: 0, productivityEvents: 0, featureUsage: 0, staleSessionsClosed: 0 });

/**
 * The steps of one run, in this order, so a dry run counts exactly what the run would delete on
 * unchanged data: (1) tool calls, productivity events and feature usage older than their own
 * limit; (2) ended sessions whose last activity is older than sessionsDays, with everything
 * under them; (3) active sessions idle for staleSessionHours become cancelled (after step 2, so
 * a session that was active when the run started is never deleted by that run); then rollups
 * past rollupDays (trends outlive raw rows) and space reclamation. `counts` grows with every
 * committed slice; returns the note for the run record.
 */
async function runSteps(
  log: Logger,
  run: RetentionRun,
  policy: RetentionPolicy,
  startedAt: number,
  dryRun: boolean,
  counts: RetentionCounts,
): Promise<string | null> {
  const cut = cutoffsFor(policy, startedAt);
  if (dryRun) {
    Object.assign(counts, await run.countExpired(cut));
    return 'dry run: nothing deleted, nothing vacuumed';
  }
  let phaseStart = performance.now();
  const phaseDone = (phase: string, extra: object = {}) => {
    log.info({ runId: run.id, phase, ms: Math.round(performance.now() - phaseStart), ...extra }, 'retention: phase done');
    phaseStart = performance.now();
  };
  for (const kind of CHILDREN) await run.deleteOlder(kind, cut[kind], (n) => (counts[kind] += n));
  await run.deleteEndedSessions(cut.sessions, (d) => {
    for (const [k, n] of Object.entries(d) as Array<[keyof RetentionCounts, number]>) counts[k] += n;
  });
  await run.closeStale(cut.stale, startedAt, (n) => (counts.staleSessionsClosed += n));
  phaseDone('delete', { counts });
  const rollupRows = await run.deleteExpiredRollups(startedAt - policy.rollupDays * DAY_MS);
  phaseDone('rollups', { rollupRows });
  if (counts.toolCalls + counts.sessions + counts.productivityEvents + counts.featureUsage >= ANALYZE_AFTER_ROWS) {
    await run.analyze();
    phaseDone('analyze');
  }
  const note = await run.reclaimSpace(policy.vacuum);
  phaseDone('vacuum');
  return note;
}

/**
 * Runs the steps of an opened run and records how it ended (succeeded, or failed with what it
 * committed), telling onFinished too; rethrows a failure.
 */
export async function performRun(
  { now, log, onFinished }: Pick<ServiceDeps, 'now' | 'log'> & { onFinished: (run: FinishedRun) => void },
  run: RetentionRun,
  policy: RetentionPolicy,
  startedAt: number,
  dryRun: boolean,
): Promise<void> {
  const counts = noCounts();
  try {
    const note = await runSteps(log, run, policy, startedAt, dryRun, counts);
    await run.finish({ status: 'succeeded', finishedAt: Math.max(now(), startedAt), counts, note, error: null });
    onFinished({ status: 'succeeded', dryRun, counts });
  } catch (err) {
    const message = err instanceof RunAbortedError || err instanceof LeaseLostError ? err.message : `failed: ${err instanceof Error ? err.message : String(err)}`;
    // A failed run keeps the counts of the slices it committed before failing.
    await run.finish({ status: 'failed', finishedAt: now(), counts: dryRun ? noCounts() : counts, note: null, error: message }).catch((recordErr: unknown) => {
      // The next run that takes the lease closes a row left `running`.
      log.error({ err: recordErr, runId: run.id }, 'retention: could not record the failed run');
    });
    onFinished({ status: 'failed', dryRun, counts });
    throw err;
  }
}
