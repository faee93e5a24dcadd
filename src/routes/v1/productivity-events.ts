import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { batchBodySchema } from '../../lib/batch-body.js';
import { toMillisOrUndefined } from '../../lib/time.js';
import { problemResponses } from '../../schemas/error-responses.js';
import {
  BatchQuery,
  BatchResult,
  ProductivityEventInput,
  ProductivityEventListQuery,
  ProductivityEventPage,
} from '../../schemas/productivity-events.js';

const productivityEventRoutes: FastifyPluginAsyncTypebox = async function productivityEventRoutes(app) {
  const events = app.services.productivityEvents;

  app.post(
    '/productivity-events',
    {
      config: { access: 'ingest' },
      schema: {
        tags: ['productivity'],
        operationId: 'ingestProductivityEvents',
        summary: 'Record productivity events (one, or { items } in a batch)',
        description:
          'Same batch rules as tool calls: all-or-nothing by default (400 with paths like /items/3/actualTimeTaken, 422 UNKNOWN_SESSION), ' +
          'or ?partial=true to store the valid items and list the others in `rejected`. An id already stored or repeated counts as a duplicate. ' +
          '`timeSaved` and `improvementPercentage` are computed.',
        querystring: BatchQuery,
        body: batchBodySchema(ProductivityEventInput, app.config.maxBatch, 'ProductivityEventInput'),
        response: { 200: BatchResult, ...problemResponses(422) },
      },
    },
    async function ingestProductivityEvents(request) {
      return events.ingest(request.body, request.query.partial ?? false);
    },
  );

  app.get(
    '/productivity-events',
    {
      config: { access: 'read' },
      schema: {
        tags: ['productivity'],
        operationId: 'listProductivityEvents',
        summary: 'List productivity events, newest first',
        querystring: ProductivityEventListQuery,
        response: { 200: ProductivityEventPage },
      },
    },
    async function listProductivityEvents(request) {
      const q = request.query;
      return events.list({
        session: q.session,
        eventType: q.eventType,
        from: toMillisOrUndefined(q.from),
        to: toMillisOrUndefined(q.to),
        limit: q.limit ?? 50,
        cursor: q.cursor,
      });
    },
  );
};

export default productivityEventRoutes;
