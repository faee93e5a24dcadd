import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiKeyListQuery, ApiKeyPage, ApiKeyParams, CreateApiKeyBody, CreatedApiKeySchema } from '../../schemas/api-keys.js';
import { problemResponses } from '../../schemas/error-responses.js';
import { expiryFromInput } from '../../services/api-keys.js';

const apiKeyRoutes: FastifyPluginAsyncTypebox = async function apiKeyRoutes(app) {
  const keys = app.services.apiKeys;

  app.post(
    '/api-keys',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['api-keys'],
        operationId: 'createApiKey',
        summary: 'Create an API key (the key is returned once)',
        description:
          'The key (`dfa_…`) is in this response and nowhere else: only its SHA-256 hash and a display prefix are stored. ' +
          '`expiresAt` must be in the future (a past time is a 400 VALIDATION_FAILED); unlike event times it may lie any distance ahead. ' +
          'The key name is recorded as the actor in audit entries.',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKeySchema },
      },
    },
    async function createApiKey(request, reply) {
      const { name, role, expiresAt } = request.body;
      return reply.code(201).send(await keys.create({ name, role, expiresAt: expiryFromInput(expiresAt) }));
    },
  );

  app.get(
    '/api-keys',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['api-keys'],
        operationId: 'listApiKeys',
        summary: 'List API keys (no secrets), newest first',
        querystring: ApiKeyListQuery,
        response: { 200: ApiKeyPage },
      },
    },
    async function listApiKeys(request) {
      return keys.list({ limit: request.query.limit ?? 50, cursor: request.query.cursor });
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['api-keys'],
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key, effective immediately',
        description: 'The next request with the key is a 401. Revoking an already revoked key is a 204 too; an unknown id is a 404.',
        params: ApiKeyParams,
        response: { 204: { type: 'null', description: 'revoked' }, ...problemResponses(404) },
      },
    },
    async function revokeApiKey(request, reply) {
      await keys.revoke(request.params.id);
      return reply.code(204).send();
    },
  );
};

export default apiKeyRoutes;
