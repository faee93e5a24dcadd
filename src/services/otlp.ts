import type { AgentSessionSeed, Draft, ToolCallRow } from '../db/store.js';
import { canonicalUuid } from '../lib/ids.js';
import { createOtlpDecoder } from '../lib/otlp-decode-pool.js';
import { JsonLogsBody } from '../lib/otlp-json-logs.js';
import { mapLogsRequest, type LogsMapping, type MappedSession, type MappedToolCall, type RecordRejection } from '../lib/otlp-mapping.js';
import { createBatchIngester } from './batch-ingest.js';
import type { ServiceDeps } from './deps.js';
import type { IngestCounters } from './ingest-counters.js';
import { profileRef } from './profiles.js';

/** What the OTLP/HTTP answer reports: 0 → `{}`, otherwise `partialSuccess`. */
export type OtlpLogsResult = { rejectedLogRecords: number; errorMessage: string | null };

const LISTED_REJECTIONS = 5;

/**
 * A mapped call as the row to store, in the shape of toToolCallDraft's. Its ids are canonical
 * already (the mapping makes lower-case UUIDs) and its time is set, so that function's
 * normalising would only copy them again.
 */
const toDraft = (call: MappedToolCall): Draft<ToolCallRow> => ({
  id: call.id,
  sessionId: call.sessionId,
  toolName: call.toolName,
  durationMs: call.durationMs,
  status: call.status,
  errorType: call.errorType,
  timestamp: call.timestamp,
});

function summary(rejections: RecordRejection[]): OtlpLogsResult {
  const n = rejections.length;
  if (n === 0) return { rejectedLogRecords: 0, errorMessage: null };
  const listed = rejections.slice(0, LISTED_REJECTIONS).map((r) => `${r.path}: ${r.reason}`).join('; ');
  const more = n > LISTED_REJECTIONS ? `; and ${n - LISTED_REJECTIONS} more` : '';
  return { rejectedLogRecords: n, errorMessage: `${n} tool_result record(s) not stored: ${listed}${more}` };
}

const seedOf = (s: MappedSession): AgentSessionSeed => ({
  id: canonicalUuid(s.id),
  project: s.project ?? null,
  profile: s.profile === undefined || s.profile === null ? null : profileRef(s.profile),
  startedAt: s.startedAt,
});

/**
 * OTLP/HTTP receiver (contract "OpenTelemetry ingest"). Tool results go through the same
 * batch rules as POST /v1/tool-calls?partial=true; their unknown sessions are created as
 * `agent` sessions in the same commit, just before the tool calls.
 */
export function createOtlpService(deps: ServiceDeps & { counters: IngestCounters }) {
  const { counters } = deps;
  const tally = counters.tally('tool_calls', 'otlp');
  const decoder = createOtlpDecoder();

  function recordCounts(counts: Record<string, number>): void {
    for (const [name, n] of Object.entries(counts)) counters.recordOtlp(name, n);
  }

  return {
    /** Stores the tool results of an ExportLogsServiceRequest (JSON-shaped, or its JSON body's bytes) and counts every record by event name. */
    async ingestLogs(body: unknown): Promise<OtlpLogsResult> {
      const now = deps.now();
      const mapping = body instanceof JsonLogsBody ? await decoder.decode(body.bytes, now) : mapLogsRequest(body, now);
      return store(mapping, now);
    },

    recordMetrics(): void {
      counters.recordOtlpMetrics();
    },

    /** Stops the decode threads. */
    close: () => decoder.close(),

    claudeCodeSetup,
  };

  /** Tool results through the same batch rules as POST /v1/tool-calls?partial=true; every record counted. */
  async function store(mapping: LogsMapping, now: number): Promise<OtlpLogsResult> {
    const rejections = [...mapping.rejected];
    if (mapping.toolCalls.length > 0) {
      const agentSessions = mapping.sessions.map(seedOf);
      const ingester = createBatchIngester({ now: () => now, tally }, {
        toDraft,
        sessionIdOf: (draft) => draft.sessionId,
        append: (drafts, options) => deps.store.toolCalls.append(drafts, { ...options, agentSessions }),
      });
      const items = mapping.toolCalls.map((call, index) => ({ index, value: call }));
      const result = await ingester.ingest({ items, rejected: [], isBatch: true }, true);
      for (const r of result.rejected) {
        rejections.push({ path: mapping.toolCalls[r.index]?.path ?? `/${r.index}`, reason: r.errors[0]?.message ?? r.code });
      }
    }
    if (mapping.rejected.length > 0) tally.record({ accepted: 0, duplicates: 0, rejected: mapping.rejected.length });
    recordCounts(mapping.counts);
    return summary(rejections.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
  }
}

/** Placeholder shown instead of a key: the server never hands out a real one here. */
export const KEY_PLACEHOLDER = '<your ingest key>';

/**
 * The environment that points Claude Code's OpenTelemetry export at this server (Claude
 * Code "monitoring usage" docs). The OTLP exporter appends /v1/logs to the endpoint itself.
 */
export function claudeCodeSetup(endpoint: string) {
  const env: Record<string, string> = {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${KEY_PLACEHOLDER}`,
    OTEL_LOGS_EXPORT_INTERVAL: '5000',
  };
  const optionalEnv: Record<string, string> = {
    OTEL_RESOURCE_ATTRIBUTES: 'devflow.project=<project>,devflow.profile=<profile name>',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_LOG_TOOL_DETAILS: '1',
  };
  const shell = Object.entries(env)
    .map(([name, value]) => `export ${name}=${/^[\w./:-]*$/.test(value) ? value : `"${value}"`}`)
    .join('\n');
  return {
    endpoint,
    env,
    shell: `${shell}\n`,
    settingsJson: { env },
    optionalEnv,
    notes: [
      `Replace ${KEY_PLACEHOLDER} with an API key of role ingest (POST /v1/api-keys {"name":"claude-code","role":"ingest"}).`,
      'OTEL_RESOURCE_ATTRIBUTES tags the sessions Claude Code creates here with a project and a profile (an unknown profile is ignored).',
      'OTEL_LOG_TOOL_DETAILS=1 makes Claude Code send tool_parameters, so MCP tools are named <mcp server>/<mcp tool>.',
      'OTEL_METRICS_EXPORTER=otlp is accepted at /v1/metrics and only counted.',
    ],
  };
}
