import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { batchBodySchema } from '../../lib/batch-body.js';
import { toMillisOrUndefined } from '../../lib/time.js';
import { problemResponses } from '../../schemas/error-responses.js';
import {
  BatchQuery,
  BatchResult,
  FeatureUsageInput,
  FeatureUsageListQuery,
  FeatureUsagePage,
} from '../../schemas/feature-usage.js';

const featureUsageRoutes: FastifyPluginAsyncTypebox = async function featureUsageRoutes(app) {
  const usage = app.services.featureUsage;

  app.post(
    '/feature-usage',
    {
      config: { access: 'ingest' },
      schema: {
        tags: ['feature-usage'],
        operationId: 'ingestFeatureUsage',
        summary: 'Record feature usage (one, or { items } in a batch)',
        description:
          'Same batch rules as tool calls: all-or-nothing by default (400 with paths like /items/3/featureName, 422 UNKNOWN_SESSION, ' +
          '422 INVALID_TIME_RANGE when completedAt is before startedAt), or ?partial=true to store the valid items and list the others in ' +
          '`rejected`. An id already stored or repeated counts as a duplicate.',
        querystring: BatchQuery,
        body: batchBodySchema(FeatureUsageInput, app.config.maxBatch, 'FeatureUsageInput'),
        response: { 200: BatchResult, ...problemResponses(422) },
      },
    },
    async function ingestFeatureUsage(request) {
      return usage.ingest(request.body, request.query.partial ?? false);
    },
  );

  app.get(
    '/feature-usage',
    {
      config: { access: 'read' },
      schema: {
        tags: ['feature-usage'],
        operationId: 'listFeatureUsage',
        summary: 'List feature usage, newest first (by startedAt)',
        querystring: FeatureUsageListQuery,
        response: { 200: FeatureUsagePage },
      },
    },
    async function listFeatureUsage(request) {
      const q = request.query;
      return usage.list({
        session: q.session,
        feature: q.feature,
        from: toMillisOrUndefined(q.from),
        to: toMillisOrUndefined(q.to),
        limit: q.limit ?? 50,
        cursor: q.cursor,
      });
    },
  );
};

export default featureUsageRoutes;
