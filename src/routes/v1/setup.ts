import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { ClaudeCodeSetup } from '../../schemas/otlp.js';

/** A Host header fit to be pasted into a shell line: host name or [IPv6], optional port. */
const SAFE_HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** This server as the client reached it; the configured address when the Host header is unusable. */
function baseUrl(request: FastifyRequest): string {
  const host = request.host;
  if (typeof host === 'string' && SAFE_HOST.test(host)) return `${request.protocol}://${host}`;
  const { host: configured, port } = request.server.config;
  const name = configured.includes(':') ? `[${configured}]` : configured;
  return `${request.protocol}://${name}:${port}`;
}

const setupRoutes: FastifyPluginAsyncTypebox = async function setupRoutes(app) {
  const otlp = app.services.otlp;

  app.get(
    '/setup/claude-code',
    {
      config: { access: 'read' },
      schema: {
        tags: ['operations'],
        operationId: 'getClaudeCodeSetup',
        summary: 'Environment that points Claude Code at this server (OTLP logs)',
        description:
          'The exact variables (as `env`, as `export` lines in `shell`, and as the `settingsJson` block for ~/.claude/settings.json). ' +
          'OTEL_EXPORTER_OTLP_ENDPOINT is this server as reached by this request (scheme + Host header). The key is a placeholder: ' +
          'create an ingest key with POST /v1/api-keys. `optionalEnv` tags sessions with a project/profile and adds MCP tool details.',
        response: { 200: ClaudeCodeSetup },
      },
    },
    async function claudeCodeSetup(request) {
      return otlp.claudeCodeSetup(baseUrl(request));
    },
  );
};

export default setupRoutes;
