import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { batchBodySchema } from '../../lib/batch-body.js';
import { toMillisOrUndefined } from '../../lib/time.js';
import { BatchResult } from '../../schemas/common.js';
import { problemResponses } from '../../schemas/error-responses.js';
import { IngestQuery, ToolCallExportQuery, ToolCallInputSchema, ToolCallListQuery, ToolCallPage } from '../../schemas/tool-calls.js';
import { EXPORT_CONTENT_TYPES, type ExportFormat } from '../../services/tool-calls.js';

const TAGS = ['tool-calls'];

/** A streamed text body: documented as a string, sent as a Node Readable. */
const streamed = (options: { example: string }) => Type.Unsafe<Readable>(Type.String(options));

const EXPORT_RESPONSES = {
  200: {
    description: 'NDJSON: one ToolCall JSON object per line; CSV: header row then one row per tool call',
    content: {
      'application/x-ndjson': { schema: streamed({ example: '{"id":"…","sessionId":"…","toolName":"Read","durationMs":42,"status":"success","errorType":null,"timestamp":"2026-11-23T03:16:21.123Z"}\n' }) },
      'text/csv': { schema: streamed({ example: 'id,sessionId,toolName,durationMs,status,errorType,timestamp\r\n' }) },
    },
  },
};

/**
 * ndjson unless the client prefers CSV: `?format=` wins, then the Accept header (q-values
 * honoured, the more specific media range first). Anything else gets the default, not a 406:
 * the format is documented and a generic `Accept: application/json` should still work.
 */
export function exportFormat(format: ExportFormat | undefined, accept: string | undefined): ExportFormat {
  if (format) return format;
  if (!accept) return 'ndjson';
  let best: { format: ExportFormat; q: number; specificity: number } = { format: 'ndjson', q: 0, specificity: -1 };
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const candidates: Array<[ExportFormat, number]> = [];
    if (range === 'text/csv') candidates.push(['csv', 2]);
    else if (range === 'application/x-ndjson') candidates.push(['ndjson', 2]);
    else if (range === 'text/*') candidates.push(['csv', 1]);
    for (const [f, specificity] of candidates) {
      if (q > best.q || (q === best.q && specificity > best.specificity)) best = { format: f, q, specificity };
    }
  }
  return best.format;
}

/** Contract "Tool calls": ingest posts, read lists and exports. */
const toolCallRoutes: FastifyPluginAsyncTypebox = async function toolCallRoutes(app) {
  const toolCalls = app.services.toolCalls;

  app.post(
    '/tool-calls',
    {
      config: { access: 'ingest' },
      schema: {
        tags: TAGS,
        operationId: 'ingestToolCalls',
        summary: 'Record one tool call or a batch',
        description:
          'One tool call, or `{ "items": [ … ] }` of 1..DEVFLOW_MAX_BATCH. All-or-nothing by default: any invalid item is a 400 with paths like ' +
          '`/items/17/durationMs`, unknown session ids are a 422 UNKNOWN_SESSION listing them, and nothing is stored. With `?partial=true` the valid ' +
          'items are stored and each bad one is reported in `rejected` with its index. An `id` already stored or repeated in the batch counts as a ' +
          'duplicate, not an error, so retries are safe. Answered after the rows are committed; the session\'s toolCallCount moves in the same transaction.',
        querystring: IngestQuery,
        body: batchBodySchema(ToolCallInputSchema, app.config.maxBatch, 'ToolCallInput'),
        response: { 200: BatchResult, ...problemResponses(422) },
      },
    },
    async function ingestToolCalls(request) {
      return toolCalls.ingestBody(request.body, request.query.partial ?? false);
    },
  );

  app.get(
    '/tool-calls',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'listToolCalls',
        summary: 'List tool calls, newest first',
        description: 'Ordered by timestamp descending (id descending on ties). `from` is inclusive and `to` exclusive, both on timestamp.',
        querystring: ToolCallListQuery,
        response: { 200: ToolCallPage },
      },
    },
    async function listToolCalls(request) {
      const { from, to, limit, ...filter } = request.query;
      return toolCalls.list({ ...filter, from: toMillisOrUndefined(from), to: toMillisOrUndefined(to), limit: limit ?? 50 });
    },
  );

  app.get(
    '/tool-calls/export',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'exportToolCalls',
        summary: 'Export every matching tool call (NDJSON or CSV), oldest first',
        description:
          'Streams every match in constant memory, ordered by timestamp then id. NDJSON (`application/x-ndjson`, one ToolCall per line) by default; ' +
          'CSV with `Accept: text/csv` or `?format=csv` (header row = the JSON field names, RFC 4180 quoting, text cells starting with = + - @ tab or CR ' +
          'prefixed with a single quote). No pagination: the response ends after the last row.',
        querystring: ToolCallExportQuery,
        produces: [EXPORT_CONTENT_TYPES.ndjson, EXPORT_CONTENT_TYPES.csv],
        response: EXPORT_RESPONSES,
      },
    },
    async function exportToolCalls(request, reply) {
      const { from, to, format, ...filter } = request.query;
      const chosen = exportFormat(format, request.headers.accept);
      // HEAD gets the headers only: Fastify would otherwise read the whole export to discard it.
      const stream = request.method === 'HEAD'
        ? Readable.from([])
        : toolCalls.export({ ...filter, from: toMillisOrUndefined(from), to: toMillisOrUndefined(to) }, chosen);
      return reply
        .type(EXPORT_CONTENT_TYPES[chosen])
        .header('content-disposition', `attachment; filename="tool-calls.${chosen === 'csv' ? 'csv' : 'ndjson'}"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );
};

export default toolCallRoutes;
