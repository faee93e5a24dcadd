import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

export const PG_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations/pg', import.meta.url));

/**
 * The session-level advisory lock every migrator takes first ('devfmigr' as a 64-bit integer;
 * a text literal, since JavaScript numbers cannot hold it exactly). Fixed for good: two builds
 * with different keys would migrate one database at once.
 */
export const MIGRATION_LOCK_KEY = '7234318558734935922';

export class PgMigrationError extends Error {
  override name = 'PgMigrationError';
}

export type PgMigrateOptions = {
  /** postgres://… of the database to migrate. */
  url: string;
  migrationsFolder?: string;
  applicationName?: string;
};

/**
 * Applies the pending drizzle-kit migrations of migrations/pg and answers how many it applied.
 * N replicas starting at once migrate exactly once: each takes the advisory lock on its own
 * dedicated connection (not a pooled one, whose session a later query might not share), so the
 * first applies everything in one transaction while the others wait, then find nothing
 * pending. The lock goes with the connection, so a migrator that dies releases it.
 */
export async function migratePg(options: PgMigrateOptions): Promise<number> {
  const client = new pg.Client({ connectionString: options.url, application_name: options.applicationName ?? 'devflow-migrate' });
  await client.connect();
  try {
    // Migrations may run long on a big database; a role's statement_timeout must not cut them.
    await client.query('set statement_timeout = 0');
    await client.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    const before = await appliedMigrations(client);
    try {
      await migrate(drizzle({ client }), { migrationsFolder: options.migrationsFolder ?? PG_MIGRATIONS_FOLDER });
    } catch (err) {
      const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new PgMigrationError(`database migration failed, nothing was changed: ${cause}`, { cause: err });
    }
    return (await appliedMigrations(client)) - before;
  } finally {
    // Ending the session releases the lock; unlocking first lets a waiting migrator go at once.
    await client.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

/** Rows of drizzle's migrations table (drizzle.__drizzle_migrations), 0 before the first migration. */
export async function appliedMigrations(client: pg.ClientBase): Promise<number> {
  const table = await client.query<{ exists: boolean }>("select to_regclass('drizzle.__drizzle_migrations') is not null as exists");
  if (!table.rows[0]?.exists) return 0;
  const { rows } = await client.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
  return rows[0]?.n ?? 0;
}
