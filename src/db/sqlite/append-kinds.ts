import { newId } from '../../lib/ids.js';
import type { Draft, FeatureUsageRow, ProductivityEventRow, ToolCallRow } from '../store.js';
import type { Db } from './client.js';
import { noteActivity, type JobBuffer } from './ingest-group.js';
import { isMissingParent, type SessionDims, type SessionDimsCache } from './session-dims.js';
import type { ToolCallIdIndex } from './tool-call-ids.js';
import type { ToolCallStaging } from './tool-call-staging.js';

export type Outcome = 'stored' | 'duplicate' | 'unknown';

/** One kind of telemetry row: where it goes, inside a job of a group commit. */
export type Kind<Row extends { id: string }> = {
  sessionIdOf: (row: Draft<Row>) => string;
  store: (row: Draft<Row>, session: SessionDims, buffer: JobBuffer) => Outcome;
};

/**
 * Where each kind of row goes: a tool call into the job's buffer (staged with the group, its id
 * claimed), a productivity event or a feature usage straight into its table.
 */
export function telemetryKinds({ db, staging, ids, sessionDims }: { db: Db; staging: ToolCallStaging; ids: ToolCallIdIndex; sessionDims: SessionDimsCache }) {
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

  return { toolCall, productivityEvent, usage };
}
