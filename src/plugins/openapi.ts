import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import packageJson from '../../package.json' with { type: 'json' };
import { ProblemSchema } from '../schemas/common.js';
import { BODY_METHODS, withErrorResponses } from '../schemas/error-responses.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false on a route that takes a body but stores nothing: it cannot answer 507 STORAGE_FULL. */
    writes?: boolean;
  }
}

/** The document's info.version is the package's: one version to bump, shown in Swagger UI. */
export const API_VERSION: string = packageJson.version;

/** OpenAPI 3.1 from the route schemas, Swagger UI at /docs, the document at /openapi.{json,yaml}. */
export default fp(
  async function openapi(app) {
    app.addSchema(ProblemSchema);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'DevFlow Analytics API',
          version: API_VERSION,
          description:
            'Development-workflow telemetry: profiles, sessions, AI agent / MCP tool calls, productivity events, feature usage, reports and retention. ' +
            'Every /v1 route needs `Authorization: Bearer <key>` (roles: read, ingest, admin). Errors are RFC 9457 problem+json with a stable `code`. ' +
            'Times: RFC 3339 with offset, or integer epoch milliseconds; responses are UTC with milliseconds. Lists are keyset-paginated: `{ items, nextCursor }`.',
          license: { name: 'MIT', identifier: 'MIT' },
        },
        servers: [],
        tags: [
          { name: 'health', description: 'Liveness and readiness (no key)' },
          { name: 'api-keys', description: 'API keys and roles (admin)' },
          { name: 'profiles', description: 'Development environment configurations' },
          { name: 'sessions', description: 'Development operation sessions' },
          { name: 'tool-calls', description: 'AI agent and MCP tool-call telemetry' },
          { name: 'productivity', description: 'Productivity events (time saved)' },
          { name: 'feature-usage', description: 'Feature usage' },
          { name: 'otlp', description: 'OpenTelemetry (OTLP/HTTP JSON) ingest' },
          { name: 'reports', description: 'Aggregated reports (JSON or CSV)' },
          { name: 'retention', description: 'Retention policy, runs and vacuum (admin)' },
          { name: 'operations', description: 'Statistics and setup helpers' },
        ],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'API key: dfa_…' },
          },
        },
        security: [{ bearerAuth: [] }],
      },
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? json.title ?? `def-${i}`),
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // The service speaks plain HTTP by default: an https upgrade would break the UI off localhost.
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
      uiConfig: { persistAuthorization: true, displayRequestDuration: true, tryItOutEnabled: true },
      // The UI's own /docs/json and /docs/yaml stay public like the rest of /docs.
      uiHooks: {},
    });
    app.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async function openapiJson() {
      return app.swagger();
    });
    app.get('/openapi.yaml', { schema: { hide: true }, config: { access: 'public' } }, async function openapiYaml(_req, reply) {
      return reply.type('application/yaml; charset=utf-8').send(app.swagger({ yaml: true }));
    });
    // Every route registered from here on documents the errors its kind can answer (401 and 403
    // behind a key, 413 and 415 with a body, …) as problem+json, so no route can forget one.
    app.addHook('onRoute', function documentErrorResponses(route) {
      if ((route.schema as { hide?: boolean } | undefined)?.hide) return;
      const methods = [route.method].flat().map(String);
      const method = methods.find((m) => BODY_METHODS.has(m)) ?? methods[0] ?? 'GET';
      route.schema = withErrorResponses({ method, access: route.config?.access, writes: route.config?.writes, schema: route.schema });
    });
  },
  { name: 'openapi' },
);
