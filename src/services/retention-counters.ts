import type { RetentionCounts } from '../db/store.js';

/** How a run ended, as its finish records it (a dry run deletes nothing: its counts are what it would delete). */
export type FinishedRun = { status: 'succeeded' | 'failed'; dryRun: boolean; counts: RetentionCounts };

export type RetentionTotals = {
  runs: Array<{ outcome: FinishedRun['status']; dryRun: boolean; count: number }>;
  /** Rows deleted by runs of this process, a failed run's committed slices included. */
  deleted: Omit<RetentionCounts, 'staleSessionsClosed'>;
  staleSessionsClosed: number;
};

/** Retention runs finished by this process since it started, for GET /metrics (the history itself is in the database). */
export function createRetentionCounters() {
  const runs: RetentionTotals['runs'] = [
    { outcome: 'succeeded', dryRun: false, count: 0 },
    { outcome: 'failed', dryRun: false, count: 0 },
    { outcome: 'succeeded', dryRun: true, count: 0 },
    { outcome: 'failed', dryRun: true, count: 0 },
  ];
  const deleted = { toolCalls: 0, sessions: 0, productivityEvents: 0, featureUsage: 0 };
  let staleSessionsClosed = 0;
  return {
    record(run: FinishedRun): void {
      const row = runs.find((r) => r.outcome === run.status && r.dryRun === run.dryRun);
      if (row) row.count += 1;
      if (run.dryRun) return;
      for (const kind of Object.keys(deleted) as Array<keyof typeof deleted>) deleted[kind] += run.counts[kind];
      staleSessionsClosed += run.counts.staleSessionsClosed;
    },
    snapshot: (): RetentionTotals => ({ runs: runs.map((r) => ({ ...r })), deleted: { ...deleted }, staleSessionsClosed }),
  };
}

export type RetentionCounters = ReturnType<typeof createRetentionCounters>;
