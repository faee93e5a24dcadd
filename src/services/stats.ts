import { isoOrNull } from '../lib/time.js';
import type { ServiceDeps } from './deps.js';
import type { IngestCounters } from './ingest-counters.js';
import { runView } from './retention-runs.js';

/** Contract "Operations": GET /v1/stats. */
export function createStatsService({ store, counters }: ServiceDeps & { counters: IngestCounters }) {
  return {
    async snapshot() {
      const [stats, lastRun] = await Promise.all([store.stats(), store.retention.lastRun()]);
      const { newest } = stats;
      return {
        tables: stats.tables,
        database: stats.database,
        newest: {
          toolCall: isoOrNull(newest.toolCall),
          session: isoOrNull(newest.session),
          productivityEvent: isoOrNull(newest.productivityEvent),
          featureUsage: isoOrNull(newest.featureUsage),
        },
        ingest: counters.snapshot(),
        lastRetentionRun: lastRun ? runView(lastRun) : null,
      };
    },
  };
}

export type StatsService = ReturnType<typeof createStatsService>;
