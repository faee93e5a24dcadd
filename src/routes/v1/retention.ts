import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invalid } from '../../lib/app-error.js';
import { problemResponses } from '../../schemas/error-responses.js';
import {
  RetentionPolicyBody,
  RetentionPolicySchema,
  RetentionRunListQuery,
  RetentionRunPage,
  RetentionRunQuery,
  RetentionRunSchema,
} from '../../schemas/retention.js';

const isEmptyBody = (body: unknown) =>
  body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);

/** Contract "Retention and maintenance": admin only. */
const retentionRoutes: FastifyPluginAsyncTypebox = async function retentionRoutes(app) {
  const retention = app.services.retention;

  // A manual run still going when the server stops is cut between two slices (recorded as
  // failed) before the database closes; the scheduler plugin does the same for its own runs.
  app.addHook('preClose', async function abortManualRuns() {
    await retention.abortRuns();
  });

  app.get(
    '/retention/policy',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['retention'],
        operationId: 'getRetentionPolicy',
        summary: 'Get the retention policy (defaults until one is saved)',
        response: { 200: RetentionPolicySchema },
      },
    },
    async function getRetentionPolicy() {
      return retention.getPolicy();
    },
  );

  app.put(
    '/retention/policy',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['retention'],
        operationId: 'replaceRetentionPolicy',
        summary: 'Replace the retention policy',
        description: 'Every field is required. A new schedule takes effect at once, without restart. An invalid cron expression is a 400 with the path /schedule.',
        body: RetentionPolicyBody,
        response: { 200: RetentionPolicySchema },
      },
    },
    async function putRetentionPolicy(request) {
      return retention.putPolicy(request.body);
    },
  );

  app.post(
    '/retention/run',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['retention'],
        operationId: 'runRetention',
        summary: 'Run retention now (or count what it would do with ?dryRun=true)',
        description:
          'Deletes in small time-bounded batches so ingest keeps flowing, then reclaims space per the policy\'s vacuum mode. ' +
          'Answers when the run is finished; the route takes no body (a body other than `{}` is a 400). 409 RETENTION_RUNNING while another run holds the lease, in this or another process on the same database file.',
        querystring: RetentionRunQuery,
        response: { 200: RetentionRunSchema, ...problemResponses(409) },
      },
    },
    async function runRetention(request) {
      // The run takes its options from the query only: a body such as {"dryRun": true} would be
      // ignored and start a real run, so anything but no body (or {}) is refused.
      if (!isEmptyBody(request.body)) {
        throw invalid('this route takes no body; pass ?dryRun=true in the query string', [{ path: '/', message: 'must be empty (options go in the query string)' }]);
      }
      return retention.run({ dryRun: request.query.dryRun ?? false, trigger: 'manual' });
    },
  );

  app.get(
    '/retention/runs',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['retention'],
        operationId: 'listRetentionRuns',
        summary: 'Run history (scheduled, manual and CLI; failures with their error), newest first',
        querystring: RetentionRunListQuery,
        response: { 200: RetentionRunPage },
      },
    },
    async function listRetentionRuns(request) {
      return retention.listRuns({ limit: request.query.limit ?? 50, cursor: request.query.cursor });
    },
  );
};

export default retentionRoutes;
