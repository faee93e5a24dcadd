import { Type, type Static } from '@sinclair/typebox';
import { TOOL_CALL_STATUSES } from '../lib/vocabulary.js';
import { Nullable, Page, PageQuery, QueryTime, SafeInteger, Timestamp, TimeInput, Uuid } from './common.js';

export const ToolCallStatus = Type.Union(
  TOOL_CALL_STATUSES.map((s) => Type.Literal(s)),
  { description: 'outcome of the call', example: 'success' },
);

const ToolName = Type.String({ minLength: 1, maxLength: 200, description: 'tool name as the agent knows it (MCP tools: server/tool)', example: 'Read' });
const ErrorType = Type.String({ minLength: 1, maxLength: 200, description: 'error class or message kind', example: 'ENOENT' });
const DurationMs = SafeInteger({ minimum: 0, description: 'how long the call took, milliseconds' });

export const ToolCallSchema = Type.Object(
  {
    id: Uuid(),
    sessionId: Uuid(),
    toolName: ToolName,
    durationMs: DurationMs,
    status: ToolCallStatus,
    errorType: Nullable(ErrorType),
    timestamp: Timestamp('when the call happened'),
  },
  { $id: 'ToolCall', title: 'ToolCall' },
);

/** One tool call as posted; the same item appears alone or inside `{ items }`. */
export const ToolCallInputSchema = Type.Object(
  {
    id: Type.Optional(Uuid('client-chosen id (any case; stored lower case): a retry with the same id is a duplicate, not a second row. Default: a server-made UUID v7')),
    sessionId: Uuid('an existing session (any case)'),
    toolName: ToolName,
    durationMs: DurationMs,
    status: ToolCallStatus,
    errorType: Type.Optional(Nullable(ErrorType)),
    timestamp: Type.Optional(TimeInput('when the call happened; default: now')),
  },
  {
    additionalProperties: false,
    title: 'ToolCallInput',
    examples: [{ sessionId: '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d', toolName: 'Read', durationMs: 42, status: 'success', timestamp: '2026-11-23T03:16:21.123Z' }],
  },
);
export type ToolCallInput = Static<typeof ToolCallInputSchema>;

export const IngestQuery = Type.Object(
  {
    partial: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'true: store the valid items and report each bad one in `rejected` (200); false: any bad item fails the whole request and nothing is stored',
      }),
    ),
  },
  { additionalProperties: false },
);

const filters = {
  session: Type.Optional(Uuid('only this session')),
  tool: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'exact tool name' })),
  status: Type.Optional(ToolCallStatus),
  from: Type.Optional(QueryTime('timestamp at or after')),
  to: Type.Optional(QueryTime('timestamp before')),
};

export const ToolCallListQuery = Type.Object({ ...filters, ...PageQuery }, { additionalProperties: false });
export const ToolCallPage = Page(ToolCallSchema, 'ToolCallPage');

export const ExportFormat = Type.Union([Type.Literal('ndjson'), Type.Literal('csv')], {
  description: 'overrides the Accept header: ndjson (application/x-ndjson) or csv (text/csv)',
});
export const ToolCallExportQuery = Type.Object({ ...filters, format: Type.Optional(ExportFormat) }, { additionalProperties: false });
