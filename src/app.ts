import { createServer } from 'node:http';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { AppError } from './lib/app-error.js';
import { newId } from './lib/ids.js';
import { lazyChildLogger } from './lib/lazy-child-logger.js';
import { createValidatorCompiler } from './lib/validation.js';
import authPlugin, { isUnderV1 } from './plugins/auth.js';
import configPlugin from './plugins/config.js';
import errorsPlugin, { sendProblem, toProblem } from './plugins/errors.js';
import jsonBodyPlugin from './plugins/json-body.js';
import lifecyclePlugin from './plugins/lifecycle.js';
import metricsPlugin from './plugins/metrics.js';
import openapiPlugin from './plugins/openapi.js';
import retentionSchedulerPlugin from './plugins/retention-scheduler.js';
import rollupsBackfillPlugin from './plugins/rollups-backfill.js';
import securityHeadersPlugin from './plugins/security-headers.js';
import servicesPlugin from './plugins/services.js';
import storePlugin from './plugins/store.js';
import healthRoutes from './routes/health.js';
import metricsRoutes from './routes/metrics.js';
import v1Routes from './routes/v1/index.js';

export type BuildOptions = {
  /** Clock for services (tests pin time with it). */
  now?: () => number;
  /** Pino destination stream (tests capture logs with it). */
  logStream?: NodeJS.WritableStream;
};

/** Node checks request timeouts only every connectionsCheckingInterval (30 s by default). */
const CONNECTION_CHECK_MS = 1000;

/** The one composition root: plugins in dependency order, then routes. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.key', '*.adminKey'], censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : newId();
    },
    requestIdHeader: false,
    childLoggerFactory: lazyChildLogger,
    bodyLimit: config.bodyLimit,
    requestTimeout: config.requestTimeoutMs,
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout: config.requestTimeoutMs,
          headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
          connectionsCheckingInterval: CONNECTION_CHECK_MS,
          keepAliveTimeout: 5000,
        },
        handler,
      ),
    // Errors raised before routing (a path with a bad percent-escape such as /v1/sessions/%)
    // get the same problem+json as every other failure, not Fastify's default JSON.
    // Under /v1 the key is still checked first: a keyless request is a 401 whatever its URL.
    frameworkErrors: function frameworkError(error, request, reply) {
      const keyChecked = isUnderV1(request.url) && app.hasDecorator('checkKey') ? app.checkKey(request) : Promise.resolve();
      keyChecked.then(
        () => sendProblem(reply, toProblem(error)),
        (rejected: unknown) => sendProblem(reply, toProblem(rejected as Error)),
      );
    },
    // Requests that arrive while the server shuts down get a problem+json 503 from the lifecycle
    // plugin (Fastify's own is plain JSON); Fastify still adds Connection: close to them.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(createValidatorCompiler());

  await app.register(configPlugin, { config });
  await app.register(errorsPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(storePlugin, { now: options.now });
  await app.register(lifecyclePlugin);
  await app.register(servicesPlugin, { now: options.now });
  // Before every route and hook that answers, so each response is timed, refusals included.
  if (config.metrics) await app.register(metricsPlugin);
  // Security headers and CORS come before auth, so 401/403 answers carry them too and a
  // browser's preflight (which never carries the key) is answered.
  await app.register(securityHeadersPlugin);
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: ['retry-after', 'www-authenticate', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
      maxAge: 600,
    });
  }
  await app.register(authPlugin);
  if (config.scheduler) {
    await app.register(retentionSchedulerPlugin);
    await app.register(rollupsBackfillPlugin);
  }
  if (config.rateLimitMax > 0) {
    await app.register(rateLimit, {
      max: config.rateLimitMax,
      timeWindow: config.rateLimitWindowMs,
      keyGenerator: (req) => req.principal?.id ?? req.ip,
      errorResponseBuilder: (_req, ctx) =>
        new AppError(429, 'RATE_LIMITED', `rate limit of ${ctx.max} requests per ${ctx.after} exceeded`, undefined, {
          'retry-after': String(Math.max(1, Math.ceil(ctx.ttl / 1000))),
        }),
    });
  }
  await app.register(openapiPlugin);
  await app.register(healthRoutes);
  if (config.metrics) await app.register(metricsRoutes);
  await app.register(v1Routes, { prefix: '/v1' });
  return app;
}
