import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Registry } from 'prom-client';
import { createRequestDurations } from '../lib/request-durations.js';
import { SnapshotHistogram } from '../lib/snapshot-histogram.js';
import { PREFIX, processMetrics, scrapedMetrics } from './metrics-scrape.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** GET /metrics: the Prometheus text of this app's metrics and the process's, and its content type. */
    metrics: { contentType: string; scrape(): Promise<string> };
  }
}

/** The route label of a request no route matched (404s): never its URL, which the client chose. */
export const UNMATCHED_ROUTE = 'unmatched';
/** Request durations from a cached key check (~0.1 ms) to a large export or a timed-out body. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Prometheus metrics (registered only with DEVFLOW_METRICS=true). The app's own registry, not
 * prom-client's global one, so apps built side by side (the tests) never share a metric. Every
 * label value is bounded and none comes from a client: the route label is the route's template
 * (`/v1/sessions/:id`), the method one of a fixed set, the status a number. Request durations
 * are counted on every response; everything else is read from where it is counted when
 * Prometheus scrapes (metrics-scrape.ts).
 */
export default fp(
  async function metrics(app: FastifyInstance) {
    const registry = new Registry();
    const durations = createRequestDurations(HTTP_BUCKETS);
    const durationsShown = new SnapshotHistogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'HTTP request durations by method, route template (unmatched for no route) and status code.',
      labelNames: ['method', 'route', 'status_code'],
      registers: [registry],
    });
    // A callback hook: it runs for every response and allocates no promise.
    app.addHook('onResponse', function observeDuration(request, reply, done) {
      durations.observe(request.routeOptions.url ?? UNMATCHED_ROUTE, request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });

    const readSources = scrapedMetrics(registry, {
      engineStats: () => app.store.engineStats(),
      counters: app.services.counters,
      retention: () => app.services.retention.finishedRuns(),
    });
    app.decorate('metrics', {
      contentType: registry.contentType,
      async scrape() {
        await readSources();
        durationsShown.show(durations.snapshot());
        return Registry.merge([processMetrics(), registry]).metrics();
      },
    });
    app.addHook('onClose', function clearMetrics(_instance, done) {
      registry.clear();
      done();
    });
  },
  { name: 'metrics', dependencies: ['store', 'services'] },
);
