import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toMillisOrUndefined } from '../../lib/time.js';
import { problemResponses } from '../../schemas/error-responses.js';
import { CreateSessionBody, SessionListQuery, SessionPage, SessionParams, SessionSchema, UpdateSessionBody } from '../../schemas/sessions.js';

const TAGS = ['sessions'];

/** POST and GET /sessions: start one, list them. */
const sessionCollectionRoutes: FastifyPluginAsyncTypebox = async function sessionCollectionRoutes(app) {
  const sessions = app.services.sessions;

  app.post(
    '/sessions',
    {
      config: { access: 'ingest' },
      schema: {
        tags: TAGS,
        operationId: 'createSession',
        summary: 'Start a session (idempotent on id)',
        description:
          '201 with the new session (status active). Retrying with the same `id` and fields answers 200 with the stored session; ' +
          'the same `id` with other fields is a 409 SESSION_ID_CONFLICT. An unknown `profile` is a 422 UNKNOWN_PROFILE.',
        body: CreateSessionBody,
        response: {
          201: { ...SessionSchema, description: 'created' },
          200: { ...SessionSchema, description: 'already stored with the same fields (idempotent retry)' },
          ...problemResponses(409, 422),
        },
      },
    },
    async function createSession(request, reply) {
      const { startedAt, ...rest } = request.body;
      const { session, created } = await sessions.create({ ...rest, startedAt: toMillisOrUndefined(startedAt) });
      return reply.code(created ? 201 : 200).send(session);
    },
  );

  app.get(
    '/sessions',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'listSessions',
        summary: 'List sessions, newest first',
        description: 'Ordered by startedAt descending (id descending on ties). `from` is inclusive and `to` exclusive, both on startedAt.',
        querystring: SessionListQuery,
        response: { 200: { ...SessionPage, description: 'a page of sessions; pass nextCursor as ?cursor= for the next' } },
      },
    },
    async function listSessions(request) {
      const { from, to, limit, ...filter } = request.query;
      return sessions.list({ ...filter, from: toMillisOrUndefined(from), to: toMillisOrUndefined(to), limit: limit ?? 50 });
    },
  );
};

/** GET, PATCH and DELETE /sessions/:id: one session. */
const sessionItemRoutes: FastifyPluginAsyncTypebox = async function sessionItemRoutes(app) {
  const sessions = app.services.sessions;

  app.get(
    '/sessions/:id',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'getSession',
        summary: 'Get a session',
        params: SessionParams,
        response: { 200: { ...SessionSchema, description: 'the session' }, ...problemResponses(404) },
      },
    },
    async function getSession(request) {
      return sessions.get(request.params.id);
    },
  );

  app.patch(
    '/sessions/:id',
    {
      config: { access: 'ingest' },
      schema: {
        tags: TAGS,
        operationId: 'updateSession',
        summary: 'Update or end a session',
        description:
          'Counters are absolute values. A terminal status ends the session (`endedAt` defaults to now). Errors: 409 SESSION_ENDED (already ended), ' +
          '422 INVALID_TIME_RANGE (endedAt before startedAt), 422 SESSION_NOT_ENDING (endedAt without a terminal status).',
        params: SessionParams,
        body: UpdateSessionBody,
        response: { 200: { ...SessionSchema, description: 'the session after the change' }, ...problemResponses(404, 409, 422) },
      },
    },
    async function updateSession(request) {
      const { endedAt, ...rest } = request.body;
      return sessions.update(request.params.id, { ...rest, endedAt: toMillisOrUndefined(endedAt) });
    },
  );

  app.delete(
    '/sessions/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: TAGS,
        operationId: 'deleteSession',
        summary: 'Delete a session with its tool calls, productivity events and feature usage',
        params: SessionParams,
        response: { 204: { type: 'null', description: 'deleted' }, ...problemResponses(404) },
      },
    },
    async function deleteSession(request, reply) {
      await sessions.remove(request.params.id);
      return reply.code(204).send();
    },
  );
};

/**
 * Contract "Sessions": ingest creates and updates, read lists, admin deletes. Registered in this
 * order because the OpenAPI document lists the routes as they are registered.
 */
const sessionRoutes: FastifyPluginAsyncTypebox = async function sessionRoutes(app) {
  await app.register(sessionCollectionRoutes);
  await app.register(sessionItemRoutes);
};

export default sessionRoutes;
