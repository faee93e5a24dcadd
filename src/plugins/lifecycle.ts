import fp from 'fastify-plugin';
import { unavailable } from '../lib/app-error.js';

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: {
      closing: boolean;
      /** Why the service cannot take traffic now (starting, closing, the store cannot serve), or null. */
      notReadyReason(): Promise<string | null>;
    };
  }
}

const PROBES: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/** Tracks whether the service can take traffic: started, not closing, the store serving. */
export default fp(
  async function lifecycle(app) {
    let started = false;
    const state = {
      closing: false,
      async notReadyReason(): Promise<string | null> {
        if (!started) return 'starting';
        if (state.closing) return 'shutting down';
        return app.store.notReadyReason();
      },
    };
    app.decorate('lifecycle', state);
    app.addHook('onReady', async function markStarted() {
      started = true;
    });
    app.addHook('preClose', async function markClosing() {
      state.closing = true;
    });
    // In-flight requests finish; a request that arrives meanwhile (on a kept-alive connection)
    // is told to go elsewhere, like every other problem. The probes answer for themselves: the
    // process is alive (/healthz 200) and not ready (/readyz 503).
    // A callback hook, not an async one: it runs for every request and almost always passes.
    app.addHook('onRequest', function refuseWhileClosing(request, _reply, done) {
      if (state.closing && !PROBES.has(request.routeOptions.url ?? '')) {
        return done(unavailable('NOT_READY', 'the server is shutting down; retry after Retry-After seconds (another instance may answer now)', 1));
      }
      done();
    });
  },
  { name: 'lifecycle', dependencies: ['store'] },
);
