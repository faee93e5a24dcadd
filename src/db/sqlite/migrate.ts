import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db } from './client.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations/sqlite', import.meta.url));

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Applies pending drizzle-kit migrations in one transaction: all of them, or none. */
export function runMigrations(db: Db, migrationsFolder = MIGRATIONS_FOLDER): void {
  try {
    migrate(db, { migrationsFolder });
  } catch (err) {
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new MigrationError(`database migration failed, nothing was changed: ${cause}`, { cause: err });
  }
}

export function appliedMigrationCount(db: Db): number {
  const row = db.$client
    .prepare("select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get() as { n: number };
  if (row.n === 0) return 0;
  return (db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
}
