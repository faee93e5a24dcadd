/**
 * Extra reference for the single-call phase: the service's own plugin stack (security headers,
 * request id, logger, API-key check, JSON body parsing, error handler) and the same item
 * validation as POST /v1/tool-calls, with a route that stores nothing. The ratio to it shows
 * what the ingest work itself costs; the target is judged against bench/lib/noop-server.ts.
 * Run as a child process by bench/ingest.ts, with the service's environment.
 */
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { batchBodySchema, createBatchParser } from '../../src/lib/batch-body.js';
import { BatchResult } from '../../src/schemas/common.js';
import { ToolCallInputSchema } from '../../src/schemas/tool-calls.js';

const config = loadConfig();
const app = await buildApp(config);
const parse = createBatchParser(ToolCallInputSchema, config.maxBatch);
app.post(
  '/v1/bench-noop',
  {
    config: { access: 'ingest' },
    schema: { hide: true, body: batchBodySchema(ToolCallInputSchema, config.maxBatch, 'BenchNoopInput'), response: { 200: BatchResult } },
  },
  async function noop(request) {
    return { accepted: 0, duplicates: 0, rejected: parse(request.body, false).rejected };
  },
);
const close = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', close);
process.on('SIGINT', close);
await app.listen({ host: config.host, port: config.port });
