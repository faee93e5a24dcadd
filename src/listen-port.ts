import { createServer } from 'node:net';

/** What start-up prints and exits with when the server cannot listen. */
export type ListenFailure = { line: string; exitCode: number };

/**
 * Checks that host:port can be listened on, before anything else happens at start (the database
 * made, an admin key created, the scheduler started), and lets go of it at once: while the app
 * starts (migrations can take minutes) a client is refused, as before, rather than accepted and
 * reset, which a TCP health check would take for "up". Should another process take the port
 * before the app listens, that listen fails with the same line. Port 0 (any free port) cannot
 * be in use.
 */
export async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => {
      probe.off('error', reject);
      resolve();
    });
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/**
 * One line for a failed listen, naming the setting to change: a port in use is a runtime
 * failure (exit 1: whatever holds it may go away), the rest are configuration (exit 2).
 */
export function listenFailure(err: unknown, host: string, port: number): ListenFailure {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const fail = (why: string, exitCode: number): ListenFailure => ({ line: `devflow: cannot listen on ${where}: ${why}`, exitCode });
  switch (code) {
    case 'EADDRINUSE':
      return fail('the port is in use (set PORT to another port)', 1);
    case 'EACCES':
    case 'EPERM':
      return fail(`permission denied${port < 1024 ? ': ports below 1024 need privileges' : ''} (set PORT to another port)`, 2);
    case 'EADDRNOTAVAIL':
      return fail('HOST is not an address of this machine (set HOST to one, such as 127.0.0.1 or 0.0.0.0)', 2);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return fail('HOST does not resolve to an address (set HOST to an address or a known host name)', 2);
    default:
      return fail(err instanceof Error ? err.message : String(err), 1);
  }
}
