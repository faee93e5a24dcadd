import type { Config } from '../config.js';
import type { Db } from '../db/sqlite/client.js';
import { createApiKeyService } from './api-keys.js';
import { createFeatureUsageService } from './feature-usage.js';
import { createIngestCounters, type IngestCounters } from './ingest-counters.js';
import { createOtlpService } from './otlp.js';
import { createProductivityEventService } from './productivity-events.js';
import { createProfileService } from './profiles.js';
import { createReportService } from './reports.js';
import { createRetentionService } from './retention.js';
import { createRollupService, type RollupService } from './rollups.js';
import { createSessionService } from './sessions.js';
import { createStatsService } from './stats.js';
import { createSessionDims, type SessionDimsCache } from './session-dims.js';
import { createToolCallInbox, type ToolCallInbox } from './tool-call-inbox.js';
import { createToolCallService } from './tool-calls.js';
import { createWriteQueue, type WriteQueue } from './write-queue.js';

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

/** What the telemetry ingest services get on top: shared counters, the group-commit queue, the rollups and the tool-call inbox. */
export type IngestDeps = ServiceDeps & { counters: IngestCounters; writes: WriteQueue; rollups: RollupService; inbox: ToolCallInbox; sessionDims: SessionDimsCache };

/** Builds every service once; routes reach them through app.services. */
export function createServices(deps: ServiceDeps) {
  const counters = createIngestCounters();
  const writes = createWriteQueue({ db: deps.db, windowMs: deps.config.groupCommitMs });
  const inbox = createToolCallInbox({ db: deps.db, writes });
  const rollups = createRollupService({ ...deps, writes, inbox, enabled: deps.config.rollups });
  const sessionDims = createSessionDims(deps.db, writes);
  const ingestDeps = { ...deps, counters, writes, rollups, inbox, sessionDims };
  const apiKeys = createApiKeyService(deps);
  const profiles = createProfileService({ ...deps, rollups, sessionDims });
  const sessions = createSessionService({ ...deps, rollups, sessionDims, inbox });
  const toolCalls = createToolCallService(ingestDeps);
  const productivityEvents = createProductivityEventService(ingestDeps);
  const featureUsage = createFeatureUsageService(ingestDeps);
  const otlp = createOtlpService({ ...ingestDeps, toolCalls });
  const reports = createReportService({ ...deps, rollups, inbox });
  const retention = createRetentionService({ ...deps, rollups, inbox, sessionDims });
  const stats = createStatsService(ingestDeps);
  return { counters, writes, inbox, sessionDims, rollups, apiKeys, profiles, sessions, toolCalls, productivityEvents, featureUsage, otlp, reports, retention, stats };
}

export type Services = ReturnType<typeof createServices>;
