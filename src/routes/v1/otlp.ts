import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodedBody } from '../../lib/gunzip-body.js';
import { decodeProtobuf, encodeProtobufResponse, PROTOBUF_CONTENT_TYPE, type OtlpSignal } from '../../lib/otlp-protobuf.js';
import { findUnstorableValue } from '../../lib/json-body-text.js';
import { parseJsonRequest } from '../../plugins/json-body.js';
import { JsonLogsBody } from '../../lib/otlp-json-logs.js';
import { invalid } from '../../lib/app-error.js';
import { AnyOtlpBody, ExportLogsServiceRequest, ExportLogsServiceResponse, ExportMetricsServiceResponse } from '../../schemas/otlp.js';

const SIGNAL_OF_URL: Record<string, OtlpSignal> = { '/v1/logs': 'logs', '/v1/metrics': 'metrics' };
const CONSUMES = ['application/json', PROTOBUF_CONTENT_TYPE];

const isProtobuf = (request: FastifyRequest) => request.headers['content-type']?.toLowerCase().startsWith(PROTOBUF_CONTENT_TYPE) === true;

/** OTLP/HTTP answers in the request's encoding: JSON, or the protobuf response message. */
function answer(request: FastifyRequest, reply: FastifyReply, signal: OtlpSignal, response: object) {
  if (!isProtobuf(request)) return reply.send(response);
  return reply.type(PROTOBUF_CONTENT_TYPE).send(encodeProtobufResponse(signal, response));
}

/**
 * OTLP/HTTP receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp): http/json and
 * http/protobuf, optionally gzip-compressed. The request schemas document the body; the
 * mapping validates it, since proto3 JSON tolerates what a strict schema would refuse.
 */
const otlpRoutes: FastifyPluginAsyncTypebox = async function otlpRoutes(app) {
  const otlp = app.services.otlp;
  const bodyLimit = app.config.bodyLimit;

  // Encapsulated: binary protobuf exists on these two routes only.
  app.addContentTypeParser(PROTOBUF_CONTENT_TYPE, { parseAs: 'buffer' }, function parseProtobuf(request, body, done) {
    try {
      const decoded = decodeProtobuf(SIGNAL_OF_URL[request.routeOptions.url ?? ''] ?? 'logs', body as Buffer);
      const bad = findUnstorableValue(decoded);
      if (bad) throw invalid(`body${bad.path} ${bad.message}`, [bad]);
      done(null, decoded);
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  // A JSON logs body goes to the service as bytes: parsing and mapping a batch of records is the
  // request's heaviest work, which the service does off the request thread when it is large.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, function parseOtlpJson(request, body, done) {
    if (request.routeOptions.url === '/v1/logs') return done(null, new JsonLogsBody(body as Buffer));
    parseJsonRequest(request, body, done);
  });

  // The size limit applies to the decompressed body (Fastify counts what this stream yields).
  app.addHook('preParsing', async function gunzipBody(request, _reply, payload) {
    return decodedBody(request.headers['content-encoding'], payload, bodyLimit);
  });

  // Ajv would hold proto3 JSON to the documented schema; the mapping checks the shape instead.
  const documentOnly = () => () => true;

  app.post(
    '/logs',
    {
      config: { access: 'ingest' },
      validatorCompiler: documentOnly,
      schema: {
        tags: ['otlp'],
        operationId: 'ingestOtlpLogs',
        summary: 'OTLP/HTTP logs receiver: Claude Code tool results become tool calls',
        description:
          'Point an OpenTelemetry logs exporter here (OTEL_EXPORTER_OTLP_ENDPOINT = this server, protocol http/json or http/protobuf; ' +
          '`Content-Encoding: gzip` accepted, size limit checked after decompression). Answers per OTLP/HTTP: 200 `{}`, or 200 with ' +
          '`partialSuccess` counting the tool_result records that could not be stored (no session.id, no tool_name, unusable duration or time). ' +
          'An undecodable body is a 400. See GET /v1/setup/claude-code.',
        consumes: CONSUMES,
        body: ExportLogsServiceRequest,
        response: { 200: ExportLogsServiceResponse },
      },
    },
    async function exportLogs(request, reply) {
      const result = await otlp.ingestLogs(request.body);
      const response =
        result.rejectedLogRecords === 0
          ? {}
          : { partialSuccess: { rejectedLogRecords: String(result.rejectedLogRecords), errorMessage: result.errorMessage ?? '' } };
      return answer(request, reply, 'logs', response);
    },
  );

  app.post(
    '/metrics',
    {
      // Counted in memory, never stored: no 507 STORAGE_FULL.
      config: { access: 'ingest', writes: false },
      validatorCompiler: documentOnly,
      schema: {
        tags: ['otlp'],
        operationId: 'ingestOtlpMetrics',
        summary: 'OTLP/HTTP metrics: accepted and counted, not stored',
        description: 'So an agent that also exports metrics gets no errors. The request count shows in GET /v1/stats.',
        consumes: CONSUMES,
        body: AnyOtlpBody,
        response: { 200: ExportMetricsServiceResponse },
      },
    },
    async function exportMetrics(request, reply) {
      otlp.recordMetrics();
      return answer(request, reply, 'metrics', {});
    },
  );
};

export default otlpRoutes;
