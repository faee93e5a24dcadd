import { eq } from 'drizzle-orm';
import type { Db } from './client.js';
import type { RollupKeeper } from './rollups/keeper.js';
import { sessions } from './schema/index.js';
import type { SessionDimsCache } from './session-dims.js';
import type { ToolCallIdIndex } from './tool-call-ids.js';

type Deps = { db: Db; keeper: RollupKeeper; ids: ToolCallIdIndex; sessionDims: SessionDimsCache };

/**
 * Deleting sessions with everything under them, inside the caller's transaction: their tool
 * calls (taken out of the rollups and counted dead in the id runs), events and usage (foreign-
 * key cascades), then the sessions. Returns what to do once that transaction committed: their
 * calls' ids are no longer stored.
 */
export function sessionRemoval({ db, keeper, ids, sessionDims }: Deps) {
  const sql = db.$client;
  const st = {
    ofProfile: sql.prepare('select id from sessions where profile_id = ?').pluck(),
    deleteCalls: sql.prepare('delete from tool_calls where session_id in (select value from json_each(?)) returning seq, id'),
  };
  return function removeSessions(tx: Db, where: { id: string } | { profileId: number }): () => void {
    const gone = keeper.callsOf('id' in where ? { sessionId: where.id } : where);
    const sessionIds = 'id' in where ? [where.id] : (st.ofProfile.all(where.profileId) as string[]);
    const calls = st.deleteCalls.all(JSON.stringify(sessionIds)) as Array<{ seq: number; id: string }>;
    ids.countDead(calls.map((c) => c.seq));
    tx.delete(sessions).where('id' in where ? eq(sessions.id, where.id) : eq(sessions.profileId, where.profileId)).run();
    sessionDims.forgetAll();
    keeper.forget(gone);
    return () => {
      ids.forget(calls.map((c) => c.id));
      ids.forgetSessions(new Set(sessionIds));
    };
  };
}

export type RemoveSessions = ReturnType<typeof sessionRemoval>;
