import type { AgentSessionSeed, AppendOptions, AppendResult, Draft, FeatureUsageRow, ProductivityEventRow, ToolCallRow } from '../store.js';
import type { Db } from './client.js';
import { telemetryKinds, type Kind } from './append-kinds.js';
import type { IngestGroup } from './ingest-group.js';
import { findProfile } from './profiles.js';
import { sessions } from './schema/index.js';
import type { SessionDimsCache } from './session-dims.js';
import type { ToolCallIdIndex } from './tool-call-ids.js';
import type { ToolCallStaging } from './tool-call-staging.js';
import type { WriteQueue } from './write-queue.js';

type Deps = { db: Db; writes: WriteQueue; group: IngestGroup; staging: ToolCallStaging; ids: ToolCallIdIndex; sessionDims: SessionDimsCache };

/**
 * Appends of tool calls, productivity events and feature usage (the port's TelemetryStore
 * append): each request is one job of a group commit, answered after it. Unknown sessions are
 * reported by index; with allOrNothing and any of them, the job writes nothing.
 */
export function createAppenders({ db, writes, group, staging, ids, sessionDims }: Deps) {
  const { toolCall, productivityEvent, usage } = telemetryKinds({ db, staging, ids, sessionDims });

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
