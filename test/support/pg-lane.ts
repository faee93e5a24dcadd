import pg from 'pg';
import { redactUrl } from '../../src/db/pg/urls.js';

/**
 * The PostgreSQL test lane: whether the server the tests use answers. Shared by the tests'
 * support (test/support/pg.ts) and by scripts/test-unit.ts, which probes once for the whole run
 * and tells the test processes through DEVFLOW_TEST_PG_LANE.
 */

/** The server the PostgreSQL tests use: DEVFLOW_TEST_PG_URL, else this machine's (trust auth, user postgres). */
export const PG_TEST_URL = process.env.DEVFLOW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Set by scripts/test-unit.ts for the test processes: `up`, or `skipped: <why>`. */
export const LANE_ENV = 'DEVFLOW_TEST_PG_LANE';

export type LaneState = { up: true } | { up: false; reason: string };

/** Under CI an unreachable server is a failure (the issue: "not a skip"). */
export const isCi = () => process.env.CI === 'true';

/** Connects once and runs `select 1`, within timeoutMs. */
export async function probePg(url = PG_TEST_URL, timeoutMs = 3000): Promise<LaneState> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, application_name: 'devflow-test-probe' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return { up: true };
  } catch (err) {
    const message = err instanceof AggregateError ? err.errors.map((e: Error) => e.message).join('; ') : err instanceof Error ? err.message || err.name : String(err);
    return { up: false, reason: message.replace(/\s+/g, ' ') };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const unreachable = (reason: string) => `PostgreSQL not reachable at ${redactUrl(PG_TEST_URL)}: ${reason}`;

export const skipNotice = (reason: string) =>
  `\n*** PostgreSQL lane SKIPPED: ${unreachable(reason)} (its tests are skipped and src/db/pg/** leaves the coverage gate; under CI=true this fails) ***\n`;

export const ciFailure = (reason: string) => `PostgreSQL lane: ${unreachable(reason)}; under CI=true the PostgreSQL tests must run`;
