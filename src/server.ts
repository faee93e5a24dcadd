import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

/** Entry point: config → app → listen; SIGTERM/SIGINT close it gracefully. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`devflow: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let app;
  try {
    app = await buildApp(config);
  } catch (err) {
    // A database path that cannot be used is configuration (exit 2), named like any other.
    if (err instanceof ConfigError) {
      process.stderr.write(`devflow: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`devflow: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
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
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    app.log.fatal({ err }, 'cannot listen');
    await app.close().catch(() => undefined);
    process.exit(1);
  }
}

void main();
