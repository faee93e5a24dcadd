import fp from 'fastify-plugin';
import { openStore } from '../db/open-store.js';
import type { Store } from '../db/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

/**
 * Opens the storage engine (migrations applied) and closes it when the app closes: plugins close
 * in reverse order, so by then no request or background job uses it.
 */
export default fp(
  async function storage(app, opts: { now?: () => number }) {
    const store = openStore(app.config, { now: opts.now ?? Date.now, log: app.log });
    app.decorate('store', store);
    app.addHook('onClose', async function closeStore() {
      await store.close();
    });
  },
  { name: 'store', dependencies: ['config'] },
);
