import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { ensureBallast, releaseBallast } from '../db/sqlite/ballast.js';

const isDiskFull = (err: FastifyError) => typeof err.code === 'string' && err.code.startsWith('SQLITE_FULL');

/**
 * Disk-full handling: keep a ballast file; on SQLITE_FULL release it (so deletes, retention
 * and checkpoints can run again), report not-ready, and clear that once a write succeeds.
 * Clients see 507 STORAGE_FULL (mapped in the errors plugin); the process stays up.
 */
export default fp(
  async function storageGuard(app) {
    const { dbPath, ballastMiB } = app.config;
    const bytes = ballastMiB * 1024 * 1024;
    if (!ensureBallast(dbPath, bytes) && dbPath !== ':memory:' && bytes > 0) {
      app.log.warn({ ballastMiB }, 'not enough free disk for the ballast file');
    }
    app.addHook('onError', async function onStorageError(request, _reply, error) {
      if (!isDiskFull(error)) return;
      const released = releaseBallast(dbPath);
      app.lifecycle.storageFull = true;
      request.log.error({ released }, 'database disk is full: ballast released; delete data (retention) to recover');
    });
    // A callback hook, not an async one: it runs after every response and almost never acts.
    app.addHook('onResponse', function onWriteSucceeded(request, reply, done) {
      if (app.lifecycle.storageFull && request.method !== 'GET' && reply.statusCode < 300) {
        app.lifecycle.storageFull = false;
      }
      done();
    });
  },
  { name: 'storage-guard', dependencies: ['lifecycle', 'config'] },
);
