import type { RollupState } from '../../store.js';
import type { Db } from '../client.js';
import { settings } from '../schema/index.js';

/**
 * The rollups' state, one settings row (JSON). built: every stored call is rolled up (reports
 * may read rollups). next/end: the backfill's cursor while not built; the summary upgrade's
 * next day while built with an older layout. layout: the summary layout the stored summaries
 * have. closedBefore: UTC days before it are closed (all their summaries kept live); from it on
 * only summaries of an hour or less are, the rest is folded when the day closes. null: every
 * summary of every day is kept live (before the first close). It only moves forward with a
 * fold; moving back is harmless (an open day's longer summaries are ignored, then refolded when
 * it closes), so writers spread the state as they read it in their transaction.
 */
const STATE_KEY = 'rollups.toolCalls';

function parseState(json: string | undefined): RollupState {
  const v = (json === undefined ? {} : JSON.parse(json)) as Partial<RollupState>;
  return {
    built: v.built === true,
    next: typeof v.next === 'number' ? v.next : null,
    end: typeof v.end === 'number' ? v.end : null,
    layout: typeof v.layout === 'number' ? v.layout : 1,
    closedBefore: typeof v.closedBefore === 'number' ? v.closedBefore : null,
  };
}

export function rollupStateAccess(db: Db, now: () => number) {
  // Read per group commit and per report: prepared once, not built through drizzle each time.
  const stored = db.$client.prepare(`select value from settings where key = '${STATE_KEY}'`).pluck();
  const read = (): RollupState => parseState(stored.get() as string | undefined);
  return {
    read,
    /** Writes the state as read now with `patch` applied (inside the caller's write transaction). */
    patch(tx: Db, patch: Partial<RollupState>): void {
      const value = { ...read(), ...patch };
      const at = now();
      tx.insert(settings).values({ key: STATE_KEY, value, updatedAt: at }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: at } }).run();
    },
  };
}

export type RollupStateAccess = ReturnType<typeof rollupStateAccess>;
