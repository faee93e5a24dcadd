import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { unavailable } from '../lib/app-error.js';
import { problemResponse } from '../schemas/error-responses.js';

const Status = Type.Object({ status: Type.String({ example: 'ok' }) });

/** Liveness and readiness probes; public, no key. */
const healthRoutes: FastifyPluginAsyncTypebox = async function healthRoutes(app) {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: { tags: ['health'], operationId: 'getHealth', summary: 'Liveness: 200 while the process runs', security: [], response: { 200: Status } },
    },
    async function healthz() {
      return { status: 'ok' };
    },
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        operationId: 'getReadiness',
        summary: 'Readiness: 200 when the database answers; 503 while starting, shutting down, or out of disk',
        security: [],
        response: { 200: Status, 503: problemResponse(503, 'NOT_READY: starting, shutting down, or the database cannot serve (out of disk); retry after Retry-After seconds') },
      },
    },
    async function readyz() {
      const problem = await app.lifecycle.notReadyReason();
      if (problem) throw unavailable('NOT_READY', problem, 1);
      return { status: 'ready' };
    },
  );
};

export default healthRoutes;
