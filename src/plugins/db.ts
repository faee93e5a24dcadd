import fp from 'fastify-plugin';
import { closeDatabase, openDatabase, optimize, type Db } from '../db/sqlite/client.js';
import { runMigrations } from '../db/sqlite/migrate.js';
import { startWalCheckpointer } from '../db/sqlite/wal-checkpointer.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Opens the database, applies migrations, checkpoints in the background, and truncates the WAL + closes when the app closes. */
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
    // WAL checkpoints (copy + fsync) run on a worker thread for the app's lifetime, so no
    // request waits for one; closing truncates the WAL.
    const checkpoints = startWalCheckpointer(db, config.dbPath);
    app.addHook('onClose', async function closeDb() {
      await checkpoints.stop({ truncate: true });
      closeDatabase(db);
    });
  },
  { name: 'db', dependencies: ['config'] },
);
