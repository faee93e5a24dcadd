import type { ToolCallIdIndex } from '../tool-call-ids.js';
import type { DeletedSink } from './steps.js';

/**
 * Keeps the tool-call id index in step with retention's deletes: what a slice deleted is
 * remembered (`sink`, told inside the slice's transaction) and forgotten by the index once the
 * slice committed (`forgetGone`); `forgetNothing` drops what a slice that rolled back remembered.
 */
export function deletedIdTracker(ids: ToolCallIdIndex) {
  let goneCalls: string[] = [];
  const goneSessions = new Set<string>();
  const sink: DeletedSink = {
    calls(rows) {
      ids.countDead(rows.map((r) => r.seq));
      for (const r of rows) goneCalls.push(r.id);
    },
    sessions(list) {
      for (const id of list) goneSessions.add(id);
    },
  };
  const forgetNothing = () => {
    goneCalls = [];
    goneSessions.clear();
  };
  const forgetGone = () => {
    ids.forget(goneCalls);
    if (goneSessions.size > 0) ids.forgetSessions(goneSessions);
    forgetNothing();
  };
  return { sink, forgetNothing, forgetGone };
}

export type DeletedIdTracker = ReturnType<typeof deletedIdTracker>;
