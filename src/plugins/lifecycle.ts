import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: {
      closing: boolean;
      /** Set while the disk is full; cleared when a write succeeds again. */
      storageFull: boolean;
      notReadyReason(): string | null;
    };
  }
}

/** Tracks whether the service can take traffic: started, not closing, database answering. */
export default fp(
  async function lifecycle(app) {
    let started = false;
    const state = {
      closing: false,
      storageFull: false,
      notReadyReason(): string | null {
        if (!started) return 'starting';
        if (state.closing) return 'shutting down';
        if (state.storageFull) return 'the database disk is full';
        try {
          app.db.$client.prepare('select 1').get();
        } catch {
          return 'the database does not answer';
        }
        return null;
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
  { name: 'lifecycle', dependencies: ['db'] },
);
