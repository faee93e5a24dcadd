import type { FastifyInstance } from 'fastify';

/**
 * GET /metrics (contract "Operations"): Prometheus text format for a key with the read role,
 * outside /v1 and outside the OpenAPI document. Registered only with DEVFLOW_METRICS=true;
 * otherwise the path is a 404 like any unknown route.
 */
export default async function metricsRoutes(app: FastifyInstance) {
  app.get('/metrics', { config: { access: 'read' }, schema: { hide: true } }, async function metrics(_request, reply) {
    const text = await app.metrics.scrape();
    return reply.type(app.metrics.contentType).send(text);
  });
}
