import { Type } from '@sinclair/typebox';
import { OTLP_NAMESPACE } from '../lib/otlp-mapping.js';

/**
 * OTLP/HTTP (https://opentelemetry.io/docs/specs/otlp/#otlphttp). The request schemas
 * document the shape; they are not enforced by Ajv, because the proto3 JSON mapping also
 * allows snake_case names, `null` for unset fields and unknown fields, which the mapping
 * (lib/otlp-mapping.ts) accepts and a strict schema would refuse.
 */

const AnyValue = Type.Object(
  {
    stringValue: Type.Optional(Type.String()),
    boolValue: Type.Optional(Type.Boolean()),
    intValue: Type.Optional(Type.Union([Type.Integer(), Type.String({ pattern: '^-?\\d+$' })], { description: 'int64: number or decimal string' })),
    doubleValue: Type.Optional(Type.Number()),
    arrayValue: Type.Optional(Type.Object({ values: Type.Array(Type.Unknown()) })),
    kvlistValue: Type.Optional(Type.Object({ values: Type.Array(Type.Unknown()) })),
    bytesValue: Type.Optional(Type.String({ description: 'base64' })),
  },
  { description: 'OTLP AnyValue: one variant set' },
);
const Attributes = Type.Array(Type.Object({ key: Type.String(), value: AnyValue }));
const UnixNano = Type.Union([Type.String({ pattern: '^\\d+$' }), Type.Integer({ minimum: 0 })], { description: 'fixed64 Unix nanoseconds: decimal string or number; 0 = unset' });

const LogRecord = Type.Object({
  timeUnixNano: Type.Optional(UnixNano),
  observedTimeUnixNano: Type.Optional(UnixNano),
  severityNumber: Type.Optional(Type.Integer()),
  severityText: Type.Optional(Type.String()),
  eventName: Type.Optional(Type.String()),
  body: Type.Optional(AnyValue),
  attributes: Type.Optional(Attributes),
});

export const ExportLogsServiceRequest = Type.Object(
  {
    resourceLogs: Type.Array(
      Type.Object({
        resource: Type.Optional(Type.Object({ attributes: Type.Optional(Attributes) })),
        scopeLogs: Type.Array(
          Type.Object({
            scope: Type.Optional(Type.Object({ name: Type.Optional(Type.String()), version: Type.Optional(Type.String()) })),
            logRecords: Type.Array(LogRecord),
          }),
        ),
      }),
    ),
  },
  {
    title: 'ExportLogsServiceRequest',
    description:
      'OTLP logs in the proto3 JSON mapping (unknown fields ignored). `claude_code.tool_result` records (event name in `body`, `eventName` or the ' +
      '`event.name` attribute, with or without the `claude_code.` prefix) become tool calls: `tool_name` → toolName (MCP: `<mcp_server_name>/<mcp_tool_name>` ' +
      'from `tool_parameters` when present, else tool_name as sent), `duration_ms` → durationMs (rounded, ≥ 0), `success` true/"true" → success, else ' +
      '`timeout` when `error_type` or `error` mentions a timeout, else `error`; `error_type` → errorType; time from `timeUnixNano`, then ' +
      '`observedTimeUnixNano`, then `event.timestamp`, else now. ' +
      `Ids: tool call = UUID v5 of \`tool_use_id\` in namespace ${OTLP_NAMESPACE} (without tool_use_id: of session, time, tool name and \`event.sequence\`); ` +
      'session = `session.id` when it is a UUID, else its UUID v5 in the same namespace. An unknown session is created as type `agent`, status `active`, ' +
      'started at its earliest record, with `devflow.project` / `devflow.profile` from the record or resource attributes (an unknown profile is left out). ' +
      'Other events are counted by name in GET /v1/stats, not stored.',
  },
);

export const ExportLogsServiceResponse = Type.Object(
  {
    partialSuccess: Type.Optional(
      Type.Object({
        rejectedLogRecords: Type.String({ pattern: '^\\d+$', description: 'int64 as a string: tool_result records not stored', example: '1' }),
        errorMessage: Type.String({ example: '1 tool_result record(s) rejected: /resourceLogs/0/scopeLogs/0/logRecords/2: session.id is missing' }),
      }),
    ),
  },
  { title: 'ExportLogsServiceResponse', description: '`{}` when every record was stored or counted; `partialSuccess` otherwise' },
);

export const ExportMetricsServiceResponse = Type.Object({}, { title: 'ExportMetricsServiceResponse', description: 'always `{}`: metrics are counted, not stored' });

export const AnyOtlpBody = Type.Unknown({ description: 'an OTLP ExportMetricsServiceRequest (any JSON is accepted and only counted)' });

const Env = Type.Record(Type.String(), Type.String(), { description: 'environment variable → value' });

export const ClaudeCodeSetup = Type.Object(
  {
    endpoint: Type.String({ description: 'OTEL_EXPORTER_OTLP_ENDPOINT: this server as the request reached it', example: 'http://127.0.0.1:3000' }),
    env: Env,
    shell: Type.String({ description: 'the same lines for a POSIX shell (export …), one per line' }),
    settingsJson: Type.Object({ env: Env }, { description: 'block for ~/.claude/settings.json (or .claude/settings.json in a project)' }),
    optionalEnv: Env,
    notes: Type.Array(Type.String()),
  },
  { title: 'ClaudeCodeSetup' },
);
