import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { StatsSchema } from '../../schemas/stats.js';

/** Contract "Operations": rows, sizes, newest events, ingest counters, last retention run. */
const statsRoutes: FastifyPluginAsyncTypebox = async function statsRoutes(app) {
  app.get(
    '/stats',
    {
      config: { access: 'read' },
      schema: {
        tags: ['operations'],
        operationId: 'getStats',
        summary: 'Service statistics',
        description:
          'Rows per table, database and WAL file sizes and free pages, the newest event time per kind, ingest counters since this ' +
          'process started (accepted, duplicates, rejected, OTLP records by event name) and the most recent retention run.',
        response: { 200: StatsSchema },
      },
    },
    async function stats() {
      return app.services.stats.snapshot();
    },
  );
};

export default statsRoutes;
