import fp from 'fastify-plugin';
import { createServices, type Services } from '../services/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export default fp(
  async function services(app, opts: { now?: () => number }) {
    const services = createServices({ db: app.db, config: app.config, now: opts.now ?? Date.now, log: app.log });
    app.decorate('services', services);
    // Calls a crash left staged go where every reader looks.
    services.inbox.drain();
    // Plugins close in reverse order, so this runs before the database closes: writes still
    // waiting for their group commit are committed, not lost, and staged calls are moved.
    app.addHook('onClose', async function flushWrites() {
      services.writes.flush();
      services.inbox.drain();
    });
  },
  { name: 'services', dependencies: ['db', 'config'] },
);
