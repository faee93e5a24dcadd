import { newId } from '../../lib/ids.js';
import type { AgentSessionSeed, AppendOptions, AppendResult, Draft, FeatureUsageRow, ProductivityEventRow, ToolCallRow } from '../store.js';
import type { Db } from './client.js';
import { noteActivity, type IngestGroup, type JobBuffer } from './ingest-group.js';
import { findProfile } from './profiles.js';
import { sessions } from './schema/index.js';
import { isMissingParent, type SessionDims, type SessionDimsCache } from './session-dims.js';
import type { ToolCallIdIndex } from './tool-call-ids.js';
import type { ToolCallStaging } from './tool-call-staging.js';
import type { WriteQueue } from './write-queue.js';

type Outcome = 'stored' | 'duplicate' | 'unknown';

/** One kind of telemetry row: where it goes, inside a job of a group commit. */
type Kind<Row extends { id: string }> = {
  sessionIdOf: (row: Draft<Row>) => string;
  store: (row: Draft<Row>, session: SessionDims, buffer: JobBuffer) => Outcome;
};

type Deps = { db: Db; writes: WriteQueue; group: IngestGroup; staging: ToolCallStaging; ids: ToolCallIdIndex; sessionDims: SessionDimsCache };

/**
 * Appends of tool calls, productivity events and feature usage (the port's TelemetryStore
 * append): each request is one job of a group commit, answered after it. Unknown sessions are
 * reported by index; with allOrNothing and any of them, the job writes nothing.
 */
export function createAppenders({ db, writes, group, staging, ids, sessionDims }: Deps) {
  const sqlite = db.$client;
  const insertEvent = sqlite.prepare(
    'insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, improvement_percentage, context_data, user_satisfaction, created_at) ' +
      'values (@id, @sessionId, @eventType, @traditionalTimeEstimate, @actualTimeTaken, @timeSaved, @improvementPercentage, @contextData, @userSatisfaction, @createdAt) on conflict do nothing',
  );
  const insertUsage = sqlite.prepare(
    'insert into feature_usage (id, session_id, feature_name, feature_category, started_at, completed_at, success, error_message) ' +
      'values (@id, @sessionId, @featureName, @featureCategory, @startedAt, @completedAt, @success, @errorMessage) on conflict do nothing',
  );

  /** A direct insert; a remembered session deleted behind this store's back is refused like an unknown one. */
  const inserted = (run: () => number): Outcome => {
    try {
      return run() > 0 ? 'stored' : 'duplicate';
    } catch (err) {
      if (!isMissingParent(err)) throw err;
      sessionDims.forgetAll();
      return 'unknown';
    }
  };

  const toolCall: Kind<ToolCallRow> = {
    sessionIdOf: (r) => r.sessionId,
    store(r, session, buffer) {
      staging.assertStorable(r.status, r.durationMs);
      // A server-made id (UUID v7, 74 random bits) cannot be stored already: no lookup for it.
      const id = r.id ?? newId();
      if (r.id !== undefined && ids.isStored(id)) return 'duplicate';
      ids.claim(id, r.sessionId);
      buffer.calls.push([id, r.sessionId, r.toolName, r.durationMs, r.status, r.errorType, r.timestamp]);
      buffer.rollups.push({ toolName: r.toolName, durationMs: r.durationMs, status: r.status, timestamp: r.timestamp, profileId: session.profileId, project: session.project });
      return 'stored';
    },
  };

  const productivityEvent: Kind<ProductivityEventRow> = {
    sessionIdOf: (r) => r.sessionId,
    store(r, _session, buffer) {
      const outcome = inserted(() => insertEvent.run({ ...r, id: r.id ?? newId() }).changes);
      if (outcome === 'stored') noteActivity(buffer.activity, r.sessionId, r.createdAt);
      return outcome;
    },
  };

  const usage: Kind<FeatureUsageRow> = {
    sessionIdOf: (r) => r.sessionId,
    store(r, _session, buffer) {
      const outcome = inserted(() => insertUsage.run({ ...r, id: r.id ?? newId(), success: r.success === null ? null : Number(r.success) }).changes);
      if (outcome === 'stored') noteActivity(buffer.activity, r.sessionId, Math.max(r.startedAt, r.completedAt ?? 0));
      return outcome;
    },
  };

  function appendJob<Row extends { id: string }>(kind: Kind<Row>, rows: Array<Draft<Row>>, { allOrNothing }: AppendOptions): AppendResult {
    const sessionOf = rows.map((r) => sessionDims.get(kind.sessionIdOf(r)));
    const unknownSessions = sessionOf.flatMap((s, i) => (s ? [] : [i]));
    if (allOrNothing && unknownSessions.length > 0) return { accepted: 0, duplicates: 0, unknownSessions };
    let accepted = 0;
    let duplicates = 0;
    const buffer = group.job();
    rows.forEach((row, i) => {
      const session = sessionOf[i];
      if (!session) return;
      const outcome = kind.store(row, session, buffer);
      if (outcome === 'stored') accepted += 1;
      else if (outcome === 'duplicate') duplicates += 1;
      else unknownSessions.push(i);
    });
    return { accepted, duplicates, unknownSessions: unknownSessions.sort((a, b) => a - b) };
  }

  /** Creates an `agent` session for every seed whose id is not stored yet (an unknown profile is left out). */
  function ensureAgentSessions(seeds: AgentSessionSeed[], at: number): void {
    for (const seed of seeds) {
      if (sessionDims.get(seed.id)) continue;
      const profileId = seed.profile === null ? null : (findProfile(db, seed.profile)?.id ?? null);
      db.insert(sessions).values({ id: seed.id, profileId, type: 'agent', project: seed.project, startedAt: seed.startedAt, updatedAt: at, lastActivityAt: seed.startedAt }).onConflictDoNothing().run();
    }
  }

  const submit = <Row extends { id: string }>(kind: Kind<Row>, rows: Array<Draft<Row>>, options: AppendOptions, before?: () => void): Promise<AppendResult> =>
    rows.length === 0
      ? Promise.resolve({ accepted: 0, duplicates: 0, unknownSessions: [] })
      : writes.run(() => {
          before?.();
          return appendJob(kind, rows, options);
        }, rows.length);

  return {
    toolCalls: (rows: Array<Draft<ToolCallRow>>, options: AppendOptions & { agentSessions?: AgentSessionSeed[] }, at: number) =>
      submit(toolCall, rows, options, options.agentSessions?.length ? () => ensureAgentSessions(options.agentSessions as AgentSessionSeed[], at) : undefined),
    productivityEvents: (rows: Array<Draft<ProductivityEventRow>>, options: AppendOptions) => submit(productivityEvent, rows, options),
    featureUsage: (rows: Array<Draft<FeatureUsageRow>>, options: AppendOptions) => submit(usage, rows, options),
  };
}

export type Appenders = ReturnType<typeof createAppenders>;
