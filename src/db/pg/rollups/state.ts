import { sql } from 'drizzle-orm';
import type { RollupState } from '../../store.js';
import type { PgContext } from '../context.js';
import type { PgTx } from '../transaction.js';

/**
 * The rollups' state on PostgreSQL: the same settings row and JSON as on SQLite
 * (src/db/sqlite/rollups/state.ts says what each field means), as jsonb. No table of its own, so
 * no migration.
 */
export const ROLLUP_STATE_KEY = 'rollups.toolCalls';

/** The stored value with defaults for what is missing (an empty database: not built, layout 1, nothing closed). */
export function parseRollupState(v: Partial<Record<keyof RollupState, unknown>> | undefined): RollupState {
  const o = v ?? {};
  return {
    built: o.built === true,
    next: typeof o.next === 'number' ? o.next : null,
    end: typeof o.end === 'number' ? o.end : null,
    layout: typeof o.layout === 'number' ? o.layout : 1,
    closedBefore: typeof o.closedBefore === 'number' ? o.closedBefore : null,
  };
}

/** The state as `q` (the pool, or a transaction to read it in that transaction's snapshot) sees it. */
export async function readRollupState(q: PgContext['db'] | PgTx): Promise<RollupState> {
  const { rows } = await q.execute<{ value: Partial<RollupState> }>(sql`select value from settings where key = ${ROLLUP_STATE_KEY}`);
  return parseRollupState(rows[0]?.value);
}

/**
 * Applies `patch` to the stored state in one statement (jsonb `||` merges keys), so two replicas
 * patching different fields never lose one another's write; null fields are stored as null.
 */
export async function patchRollupState(tx: PgTx, patch: Partial<RollupState>, at: number): Promise<void> {
  const value = JSON.stringify(patch);
  await tx.execute(sql`insert into settings (key, value, updated_at) values (${ROLLUP_STATE_KEY}, ${value}::jsonb, ${at})
    on conflict (key) do update set value = settings.value || excluded.value, updated_at = excluded.updated_at`);
}
