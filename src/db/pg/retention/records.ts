import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Keyset, RetentionRunRow } from '../../store.js';
import type { PgContext } from '../context.js';
import { retentionRuns } from '../schema/index.js';
import { runRow } from '../../retention-run-rows.js';

/** The run history (retention_runs), read as src/db/sqlite/retention/runs.ts reads it. */
export function retentionRunRecords({ db }: PgContext) {
  const ordered = () => db.select().from(retentionRuns).orderBy(desc(retentionRuns.startedAt), desc(retentionRuns.id));
  return {
    async get(id: number): Promise<RetentionRunRow | undefined> {
      const [row] = await db.select().from(retentionRuns).where(eq(retentionRuns.id, id));
      return row ? runRow(row) : undefined;
    },
    async last(): Promise<RetentionRunRow | undefined> {
      const [row] = await ordered().limit(1);
      return row ? runRow(row) : undefined;
    },
    async lastScheduledStart(): Promise<number | null> {
      const [row] = await db
        .select({ startedAt: retentionRuns.startedAt })
        .from(retentionRuns)
        .where(eq(retentionRuns.trigger, 'scheduled'))
        .orderBy(desc(retentionRuns.startedAt))
        .limit(1);
      return row?.startedAt ?? null;
    },
    async list({ after, limit }: Keyset<[number, number]>): Promise<RetentionRunRow[]> {
      const rows = await db
        .select()
        .from(retentionRuns)
        .where(after ? or(lt(retentionRuns.startedAt, after[0]), and(eq(retentionRuns.startedAt, after[0]), lt(retentionRuns.id, after[1]))) : undefined)
        .orderBy(desc(retentionRuns.startedAt), desc(retentionRuns.id))
        .limit(limit);
      return rows.map(runRow);
    },
  };
}
