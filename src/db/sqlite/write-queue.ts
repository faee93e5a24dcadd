import { COMMIT_ROWS_BOUNDS, COMMIT_SECONDS_BOUNDS, createDistribution, type Distribution } from '../../lib/distribution.js';
import type { Db } from './client.js';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

type Job = {
  fn: (db: Db) => unknown;
  weight: number;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
};

/**
 * What a group does around its jobs, inside its transaction, in this order: begin() before the
 * first job (again when the group starts over); jobDone(ok) after each job, so what the job
 * kept in memory joins the group (ok) or is dropped; end() after the last job: the group's own
 * writes (a throw fails the whole group).
 */
export type GroupSteps = {
  begin(): void;
  jobDone(ok: boolean): void;
  end(): void;
  /** After the COMMIT (what the group kept in memory becomes the store's), or after it failed (dropped). */
  committed(): void;
  rolledBack(): void;
};

/** A job threw after it had written: its writes cannot be undone alone without a savepoint. */
class PartlyWritten extends Error {}

/** Why a group's transaction is gone: the error of the job that lost it (disk full, I/O), if known. */
const lostTransaction = (outcomes: Outcome[]): unknown =>
  (outcomes.findLast((o) => !o.ok) as { error: unknown } | undefined)?.error ?? new Error('write transaction was rolled back');

export type WriteQueueOptions = {
  db: Db;
  /**
   * The longest the first waiting write holds the door open for others: the group commits at
   * the first event-loop turn that brings no new write, or once this long has passed
   * (0 = at the end of the first turn).
   */
  windowMs: number;
  /** Flush at once when this many rows are waiting, so one commit never grows unbounded. */
  maxWeight?: number;
  steps: GroupSteps;
};

/** What the queue has done since it was made and what waits now (GET /metrics, through the store's engineStats). */
export type WriteQueueStats = {
  commits: { succeeded: number; failed: number; rows: Distribution; seconds: Distribution };
  queued: { writes: number; rows: number };
};

/** Group commits counted as they end: two clock reads and two observations a group, nothing per row. */
function commitCounts() {
  const rows = createDistribution(COMMIT_ROWS_BOUNDS);
  const seconds = createDistribution(COMMIT_SECONDS_BOUNDS);
  let failed = 0;
  return {
    committed(weight: number, ms: number): void {
      rows.observe(weight);
      seconds.observe(ms / 1000);
    },
    failed: () => void (failed += 1),
    snapshot(): WriteQueueStats['commits'] {
      const s = seconds.snapshot();
      return { succeeded: s.count, failed, rows: rows.snapshot(), seconds: s };
    },
  };
}

/**
 * Runs a group's jobs in one BEGIN IMMEDIATE transaction, the steps around them; a job that
 * threw after writing makes the group start over with every job in its own savepoint.
 */
function groupRunner(db: Db, steps: GroupSteps) {
  const sqlite = db.$client;
  let grouping = false;
  // Built once (better-sqlite3 wraps them per call otherwise): inside the group's transaction
  // runJob is a SAVEPOINT, so a failing job rolls back alone.
  const runJob = sqlite.transaction((job: Job) => job.fn(db));
  const totalChanges = sqlite.prepare('select total_changes()').pluck();
  const runGroup = sqlite.transaction((jobs: Job[], outcomes: Outcome[], savepoints: boolean) => {
    grouping = true;
    try {
      steps.begin();
      runJobs(jobs, outcomes, savepoints);
      // What the jobs deferred to the end of the group goes into the same transaction.
      if (!sqlite.inTransaction) throw lostTransaction(outcomes);
      steps.end();
    } finally {
      grouping = false;
    }
  });

  function runJobs(jobs: Job[], outcomes: Outcome[], savepoints: boolean): void {
    for (const job of jobs) {
      // Some errors (disk full, I/O) make SQLite roll back the whole transaction: the jobs
      // before were undone too and the rest would run in autocommit, so fail the group.
      if (!sqlite.inTransaction) throw lostTransaction(outcomes);
      const before = savepoints ? 0 : (totalChanges.get() as number);
      try {
        outcomes.push({ ok: true, value: savepoints ? runJob(job) : job.fn(db) });
        steps.jobDone(true);
      } catch (error) {
        steps.jobDone(false);
        if (!savepoints && sqlite.inTransaction && totalChanges.get() !== before) throw new PartlyWritten();
        outcomes.push({ ok: false, error });
      }
    }
  }

  /** Runs the group; false when a job left partial writes (the group was rolled back). */
  function tryGroup(jobs: Job[], outcomes: Outcome[], savepoints: boolean): boolean {
    try {
      runGroup.immediate(jobs, outcomes, savepoints);
      return true;
    } catch (error) {
      if (error instanceof PartlyWritten) return false;
      throw error;
    }
  }

  return {
    /** Each job's outcome, in order; throws when BEGIN or COMMIT failed (nothing was stored). */
    run(jobs: Job[]): Outcome[] {
      let outcomes: Outcome[] = [];
      if (!tryGroup(jobs, outcomes, false)) {
        outcomes = [];
        tryGroup(jobs, outcomes, true);
      }
      return outcomes;
    },
    inGroup: () => grouping,
  };
}

/**
 * Group commit. The cost of a small write is its COMMIT (the WAL append and its sync), not
 * the insert, so concurrent writes share one: they queue for a short window, then run in one
 * BEGIN IMMEDIATE transaction. One job's failure undoes only that job: a job that throws
 * before writing anything (an unknown session, say) simply fails; one that throws after
 * writing makes the group start over with every job in its own savepoint. Savepoints are not
 * the default because each one copies every page its job touches into the statement journal
 * (a large share of a single tool call's inserts). Every caller is answered only after the
 * shared COMMIT succeeded.
 */
export function createWriteQueue({ db, windowMs, maxWeight = 5000, steps }: WriteQueueOptions) {
  let pending: Job[] = [];
  let pendingWeight = 0;
  let timer: NodeJS.Immediate | null = null;
  let openedAt = 0;
  let seen = 0;
  const groups = groupRunner(db, steps);
  const counts = commitCounts();

  /**
   * Runs after each event-loop turn's I/O while a group is open. Under load every turn reads
   * more requests, so the group grows until a turn brings nothing new (every waiting client is
   * in it) or windowMs runs out; an idle server commits a lone write at the end of its turn.
   * A fixed timer instead left the loop idle while all clients waited for the commit.
   */
  function closeWhenQuiet(): void {
    if (pending.length === seen || performance.now() - openedAt >= windowMs) return flush();
    seen = pending.length;
    timer = setImmediate(closeWhenQuiet);
  }

  function flush(): void {
    if (timer) clearImmediate(timer);
    timer = null;
    const jobs = pending;
    const weight = pendingWeight;
    pending = [];
    pendingWeight = 0;
    if (jobs.length === 0) return;
    let outcomes: Outcome[];
    const t0 = performance.now();
    try {
      outcomes = groups.run(jobs);
      counts.committed(weight, performance.now() - t0);
    } catch (error) {
      // BEGIN or COMMIT failed (busy, disk full): nothing of this group was stored.
      counts.failed();
      steps.rolledBack();
      for (const job of jobs) job.reject(error);
      return;
    }
    steps.committed();
    jobs.forEach((job, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  return {
    /** Runs fn inside a shared write transaction; resolves after the commit. fn must be synchronous. */
    run<T>(fn: (db: Db) => T, weight = 1): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ fn, weight, resolve: resolve as (value: unknown) => void, reject });
        pendingWeight += weight;
        if (pendingWeight >= maxWeight) flush();
        else if (!timer) {
          openedAt = performance.now();
          seen = pending.length;
          timer = setImmediate(closeWhenQuiet);
        }
      });
    },
    /** Commits whatever is waiting now (used on shutdown). */
    flush,
    /** True while a group's jobs run: work they defer lands in their transaction. */
    inGroup: groups.inGroup,
    stats: (): WriteQueueStats => ({ commits: counts.snapshot(), queued: { writes: pending.length, rows: pendingWeight } }),
  };
}

export type WriteQueue = ReturnType<typeof createWriteQueue>;
