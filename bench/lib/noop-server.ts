/**
 * Reference for the single-call phase: Fastify with the same body schema and the same Ajv
 * setup as the service, and a route that does nothing. Fastify validates the body against that
 * schema (the service validates it in its batch parser, against the same item schema). Run as
 * a child process by bench/ingest.ts. NOOP_VALIDATES=false: the schema only documents (what
 * this route did until 2026-12-04, because the service's schema object carries that marker).
 */
import Fastify from 'fastify';
import { batchBodySchema, batchBodyUnion } from '../../src/lib/batch-body.js';
import { createValidatorCompiler } from '../../src/lib/validation.js';
import { ToolCallInputSchema } from '../../src/schemas/tool-calls.js';

const app = Fastify({ logger: { level: 'warn' }, bodyLimit: 2 * 1024 * 1024 });
app.setValidatorCompiler(createValidatorCompiler());
app.get('/readyz', async () => ({ status: 'ready' }));
const body = process.env.NOOP_VALIDATES === 'false' ? batchBodySchema(ToolCallInputSchema, 1000, 'ToolCallInput') : batchBodyUnion(ToolCallInputSchema, 1000, 'ToolCallInput');
app.post('/v1/tool-calls', { schema: { body } }, async function noop() {
  return { accepted: 0, duplicates: 0, rejected: [] };
});
const close = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', close);
process.on('SIGINT', close);
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) });
