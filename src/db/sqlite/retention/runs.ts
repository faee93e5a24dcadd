import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Keyset, RetentionRunRow } from '../../store.js';
import type { Db } from '../client.js';
import { retentionRuns } from '../schema/index.js';
import { runRow } from '../../retention-run-rows.js';

/** The run history (retention_runs): what every run did, succeeded or not. */
export function retentionRunRecords(db: Db) {
  return {
    get(id: number): RetentionRunRow | undefined {
      const row = db.select().from(retentionRuns).where(eq(retentionRuns.id, id)).get();
      return row ? runRow(row) : undefined;
    },
    last(): RetentionRunRow | undefined {
      const row = db.select().from(retentionRuns).orderBy(desc(retentionRuns.startedAt), desc(retentionRuns.id)).limit(1).get();
      return row ? runRow(row) : undefined;
    },
    lastScheduledStart(): number | null {
      const row = db.select({ startedAt: retentionRuns.startedAt }).from(retentionRuns).where(eq(retentionRuns.trigger, 'scheduled')).orderBy(desc(retentionRuns.startedAt)).limit(1).get();
      return row?.startedAt ?? null;
    },
    list({ after, limit }: Keyset<[number, number]>): RetentionRunRow[] {
      return db
        .select()
        .from(retentionRuns)
        .where(after ? or(lt(retentionRuns.startedAt, after[0]), and(eq(retentionRuns.startedAt, after[0]), lt(retentionRuns.id, after[1]))) : undefined)
        .orderBy(desc(retentionRuns.startedAt), desc(retentionRuns.id))
        .limit(limit)
        .all()
        .map(runRow);
    },
  };
}
