import type { WriteQueue } from './write-queue.js';

/** Per session: how many rows were stored and the latest time among them (its last activity). */
export type SessionTally = Map<string, { calls: number; at: number }>;

function addTo(tally: SessionTally, sessionId: string, calls: number, at: number): void {
  const c = tally.get(sessionId);
  if (c) {
    c.calls += calls;
    c.at = Math.max(c.at, at);
  } else tally.set(sessionId, { calls, at });
}

/**
 * What the jobs of a group commit add to their sessions, counted as they store: a job's
 * additions join the group's when it succeeds and are dropped when it fails (or the group
 * starts over). take(), at the end of the group, hands over the group's tally.
 */
export function createGroupTally(writes: WriteQueue) {
  let job: SessionTally = new Map();
  let group: SessionTally = new Map();
  writes.onGroup({
    begin: () => {
      job = new Map();
      group = new Map();
    },
    afterJob: (ok) => {
      if (job.size === 0) return; // most jobs count nothing here (another kind of row)
      if (ok) for (const [id, c] of job) addTo(group, id, c.calls, c.at);
      job = new Map();
    },
  });
  return {
    /** Counts rows the running job stored. */
    add: (sessionId: string, calls: number, at: number) => addTo(job, sessionId, calls, at),
    take(): SessionTally {
      const taken = group;
      group = new Map();
      return taken;
    },
  };
}
