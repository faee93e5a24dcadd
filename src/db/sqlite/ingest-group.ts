import type { RollupInput } from '../../lib/rollup-deltas.js';
import type { Db } from './client.js';
import type { RollupKeeper } from './rollups/keeper.js';
import type { SessionDimsCache } from './session-dims.js';
import type { ToolCallIdIndex } from './tool-call-ids.js';
import type { CallTuple, ToolCallStaging } from './tool-call-staging.js';
import type { GroupSteps } from './write-queue.js';

/** What one job of a group commit stored that the group writes at its end. */
export type JobBuffer = {
  /** Tool calls, appended to the stage at the end of the group. */
  calls: CallTuple[];
  /** Per session: the latest time of other rows stored (events, usage); applied at the end of the group. */
  activity: Map<string, number>;
  /** What the stored calls add to the rollups. */
  rollups: RollupInput[];
};

/** Keeps a session's latest activity time. */
export function noteActivity(activity: Map<string, number>, sessionId: string, at: number): void {
  const seen = activity.get(sessionId);
  if (seen === undefined || at > seen) activity.set(sessionId, at);
}

const emptyBuffer = (): JobBuffer => ({ calls: [], activity: new Map(), rollups: [] });

function absorb(into: JobBuffer, job: JobBuffer): void {
  for (const c of job.calls) into.calls.push(c);
  for (const [id, at] of job.activity) noteActivity(into.activity, id, at);
  for (const r of job.rollups) into.rollups.push(r);
}

/**
 * The one commit step of ingest, in the order it writes: (1) the group's tool calls staged,
 * (2) the last activity of the sessions of other rows, (3) one row of rollup deltas, then,
 * when due, (4) rollup deltas folded. After the COMMIT the staged calls and claimed ids become
 * the store's (moves into tool_calls and id upkeep follow, between requests). A job's buffer
 * joins the group only if the job succeeded; a group that starts over starts from nothing.
 */
type Deps = { db: Db; staging: ToolCallStaging; ids: ToolCallIdIndex; rollups: RollupKeeper; sessionDims: SessionDimsCache; afterCommit: () => void };

export function ingestGroup({ db, staging, ids, rollups, sessionDims, afterCommit }: Deps) {
  const touch = db.$client.prepare('update sessions set last_activity_at = max(last_activity_at, ?) where id = ?');
  let job = emptyBuffer();
  let group = emptyBuffer();

  const steps: GroupSteps = {
    begin() {
      // Inside the group's write transaction: what other connections committed is visible now.
      sessionDims.refresh();
      staging.begin();
      ids.begin();
      job = emptyBuffer();
      group = emptyBuffer();
    },
    jobDone(ok) {
      if (ok) absorb(group, job);
      ids.jobDone(ok);
      job = emptyBuffer();
    },
    end() {
      staging.writeBatch(group.calls);
      for (const [id, at] of group.activity) touch.run(at, id);
      rollups.append(group.rollups);
      rollups.foldIfDue();
      group = emptyBuffer();
    },
    committed() {
      ids.committed();
      staging.committed();
      afterCommit();
    },
    rolledBack() {
      ids.rolledBack();
      staging.rolledBack();
    },
  };

  return {
    steps,
    /** The running job's buffer (valid inside a job only). */
    job: () => job,
  };
}

export type IngestGroup = ReturnType<typeof ingestGroup>;
