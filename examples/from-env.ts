/**
 * What every example shares: a client configured from the environment, unwrapping a result or
 * failing with the server's problem, and one line on stderr with exit 1 for any failure.
 */
import { createDevflowClient, type DevflowClient, type Problem } from '../clients/typescript/src/index.js';

const serverUrl = () => process.env.DEVFLOW_URL || 'http://127.0.0.1:3000';

/** A client for DEVFLOW_URL (default http://127.0.0.1:3000) with the key in DEVFLOW_API_KEY. */
export function clientFromEnv(role: 'read' | 'ingest'): DevflowClient {
  const apiKey = process.env.DEVFLOW_API_KEY;
  if (!apiKey) throw new Error(`DEVFLOW_API_KEY is not set (make a key with: npx devflow keys create --name examples --role ${role})`);
  return createDevflowClient({ baseUrl: serverUrl(), apiKey });
}

const isProblem = (value: unknown): value is Problem =>
  typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string' && typeof (value as Problem).detail === 'string';

/** The data of a successful call; otherwise an error naming the call, the status and the problem's code. */
export function ok<T>(call: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.error === undefined) return result.data as T;
  const { status } = result.response;
  const why = isProblem(result.error) ? `${result.error.code}: ${result.error.detail}` : `HTTP ${status}`;
  throw new Error(`${call} failed with ${status} ${why}`);
}

/** Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND …) is in its cause. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  if (err.message === 'fetch failed') return `cannot reach ${serverUrl()}: ${cause?.code ?? cause?.message ?? err.message}`;
  return err.message;
}

/** Runs an example: exit 0 when main resolves, one line on stderr and exit 1 when anything fails. */
export function run(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${name}: ${describe(err)}\n`);
    process.exitCode = 1;
  });
}
