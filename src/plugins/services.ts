import fp from 'fastify-plugin';
import { createServices, type Services } from '../services/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export default fp(
  async function services(app, opts: { now?: () => number }) {
    app.decorate('services', createServices({ store: app.store, config: app.config, now: opts.now ?? Date.now, log: app.log }));
    app.addHook('onClose', async function stopOtlpDecoders() {
      await app.services.otlp.close();
    });
  },
  { name: 'services', dependencies: ['store', 'config'] },
);
