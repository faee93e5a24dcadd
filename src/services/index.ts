import { createApiKeyService } from './api-keys.js';
import type { ServiceDeps } from './deps.js';
import { createFeatureUsageService } from './feature-usage.js';
import { createIngestCounters } from './ingest-counters.js';
import { createOtlpService } from './otlp.js';
import { createProductivityEventService } from './productivity-events.js';
import { createProfileService } from './profiles.js';
import { createReportService } from './reports.js';
import { createRetentionService } from './retention.js';
import { createSessionService } from './sessions.js';
import { createStatsService } from './stats.js';
import { createToolCallService } from './tool-calls.js';

export type { Logger, ServiceDeps } from './deps.js';

/** Builds every service once over the storage port; routes reach them through app.services. */
export function createServices(deps: ServiceDeps) {
  const counters = createIngestCounters();
  const ingest = { ...deps, counters };
  return {
    counters,
    apiKeys: createApiKeyService(deps),
    profiles: createProfileService(deps),
    sessions: createSessionService(deps),
    toolCalls: createToolCallService(ingest),
    productivityEvents: createProductivityEventService(ingest),
    featureUsage: createFeatureUsageService(ingest),
    otlp: createOtlpService(ingest),
    reports: createReportService(deps),
    retention: createRetentionService(deps),
    stats: createStatsService(ingest),
    /** Rollup upkeep (backfill, summary upgrades, closing days) is the engine's own work: no rules to add. */
    rollups: deps.store.rollups,
  };
}

export type Services = ReturnType<typeof createServices>;
