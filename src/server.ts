import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { checkPortFree, listenFailure } from './listen-port.js';

/** One line on stderr and the exit status: start-up failures never print a stack. */
function exitWith(line: string, code: number): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) exitWith(`devflow: invalid configuration: ${err.message}`, 2);
    throw err;
  }
}

/** Builds the app and runs its onReady hooks (the scheduler starts there). */
async function readyAppOrExit(config: Config): Promise<FastifyInstance> {
  try {
    const app = await buildApp(config);
    await app.ready();
    return app;
  } catch (err) {
    if (err instanceof ConfigError) exitWith(`devflow: invalid configuration: ${err.message}`, 2);
    exitWith(`devflow: cannot start: ${err instanceof Error ? err.message : String(err)}`, 1);
  }
}

function closeOnSignals(app: FastifyInstance): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * Entry point: config → check the port → app (database, keys, scheduler) → listen; SIGTERM and
 * SIGINT close it gracefully. The port is checked before anything else happens, so a port in use
 * leaves no trace: no database, no admin key, no scheduler.
 */
async function main(): Promise<void> {
  const config = configOrExit();
  const { host, port } = config;
  try {
    await checkPortFree(host, port);
  } catch (err) {
    const { line, exitCode } = listenFailure(err, host, port);
    exitWith(line, exitCode);
  }
  const app = await readyAppOrExit(config);
  closeOnSignals(app);
  try {
    await app.listen({ host, port });
  } catch (err) {
    // Only if another process took the port while the app started.
    const { line, exitCode } = listenFailure(err, host, port);
    await app.close().catch(() => undefined);
    exitWith(line, exitCode);
  }
}

void main();
