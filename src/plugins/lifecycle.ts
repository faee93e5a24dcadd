import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: {
      closing: boolean;
      /** Why the service cannot take traffic now (starting, closing, the store cannot serve), or null. */
      notReadyReason(): Promise<string | null>;
    };
  }
}

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
  },
  { name: 'lifecycle', dependencies: ['store'] },
);
