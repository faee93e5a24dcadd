import { bigint, customType } from 'drizzle-orm/pg-core';

/**
 * Column shapes shared by the PostgreSQL tables. Times are epoch milliseconds (UTC) in a bigint,
 * as on SQLite and in the store port: the port speaks numbers, and one integer compares and
 * partitions faster than a timestamptz would convert. Counts and durations are bigint too (the
 * API accepts integers up to 2^53 − 1); `mode: 'number'` reads them as numbers, and the pool's
 * int8 parser (src/db/pg/client.ts) refuses any beyond 2^53 instead of rounding them.
 */
export const ms = (name: string) => bigint(name, { mode: 'number' });
export const int8 = (name: string) => bigint(name, { mode: 'number' });

/** Raw bytes (latency histograms): node-postgres reads bytea as a Buffer and writes a Buffer as bytea. */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});
