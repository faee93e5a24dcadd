import { createServer } from 'node:net';

/** What start-up prints and exits with when the server cannot listen. */
export type ListenFailure = { line: string; exitCode: number };

/**
 * Holds host:port while the app starts, so that a port in use is found before anything else
 * happens (the database made, an admin key created, the scheduler started). The returned
 * function lets go of it just before the app listens. A client that connects meanwhile is
 * disconnected: nothing can answer it before the app is ready. Port 0 (any free port) cannot
 * be in use, so nothing is held for it.
 */
export async function reservePort(host: string, port: number): Promise<() => Promise<void>> {
  if (port === 0) return async () => undefined;
  const holder = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.listen({ host, port, exclusive: true }, () => {
      holder.off('error', reject);
      resolve();
    });
  });
  return () => new Promise<void>((resolve) => holder.close(() => resolve()));
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
