import fp from 'fastify-plugin';
import { closeDatabase, openDatabase, optimize, type Db } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Opens the database, applies migrations, and checkpoints + closes it when the app closes. */
export default fp(
  async function database(app) {
    const { config } = app;
    const db = openDatabase({ path: config.dbPath, busyTimeoutMs: config.busyTimeoutMs, cacheSizeMiB: config.cacheSizeMiB });
    try {
      runMigrations(db);
      optimize(db);
    } catch (err) {
      db.$client.close();
      throw err;
    }
    app.decorate('db', db);
    app.addHook('onClose', async function closeDb() {
      closeDatabase(db);
    });
  },
  { name: 'db', dependencies: ['config'] },
);
