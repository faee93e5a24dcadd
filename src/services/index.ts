import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { createApiKeyService } from './api-keys.js';
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

export type Logger = {
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
  error: (obj: object, msg?: string) => void;
};

export type ServiceDeps = {
  db: Db;
  config: Config;
  now: () => number;
  log: Logger;
};

/** Builds every service once; routes reach them through app.services. */
export function createServices(deps: ServiceDeps) {
  const counters = createIngestCounters();
  const apiKeys = createApiKeyService(deps);
  const profiles = createProfileService(deps);
  const sessions = createSessionService(deps);
  const toolCalls = createToolCallService(deps);
  const productivityEvents = createProductivityEventService(deps);
  const featureUsage = createFeatureUsageService(deps);
  const otlp = createOtlpService(deps);
  const reports = createReportService(deps);
  const retention = createRetentionService(deps);
  const stats = createStatsService(deps);
  return { counters, apiKeys, profiles, sessions, toolCalls, productivityEvents, featureUsage, otlp, reports, retention, stats };
}

export type Services = ReturnType<typeof createServices>;
