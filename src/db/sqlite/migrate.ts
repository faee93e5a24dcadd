import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db, Sqlite } from './client.js';
import { writeMigrationBackup, type MigrationBackupOptions } from './migration-backups.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations/sqlite', import.meta.url));

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** One migration of drizzle-kit's journal: `when` is what drizzle records as created_at once applied. */
export type JournalEntry = { tag: string; when: number };

export function readJournal(migrationsFolder = MIGRATIONS_FOLDER): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries.map(({ tag, when }) => ({ tag, when }));
}

/** Where a database stands against this build's migrations. */
export type MigrationStatus = {
  /** Migrations recorded as applied (0: a brand-new database, or not a DevFlow one). */
  applied: number;
  /** The newest applied migration's tag, or null when it is none this build knows. */
  lastTag: string | null;
  /** The newest applied migration is not one of this build's: a newer (or another) DevFlow wrote it. */
  unknown: boolean;
  /** This build's migrations the database has not had yet, oldest first. */
  pending: JournalEntry[];
};

/** Reads the migrations table the way drizzle's migrator does: what is newer than the newest applied is pending. */
export function migrationStatus(sqlite: Sqlite, migrationsFolder = MIGRATIONS_FOLDER): MigrationStatus {
  const journal = readJournal(migrationsFolder);
  const hasTable = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get() !== undefined;
  if (!hasTable) return { applied: 0, lastTag: null, unknown: false, pending: journal };
  const { applied, last } = sqlite.prepare('select count(*) as applied, max(created_at) as last from __drizzle_migrations').get() as { applied: number; last: number | string | null };
  if (last === null) return { applied, lastTag: null, unknown: false, pending: journal };
  const lastAt = Number(last);
  const known = journal.find((entry) => entry.when === lastAt);
  return { applied, lastTag: known?.tag ?? null, unknown: known === undefined, pending: journal.filter((entry) => entry.when > lastAt) };
}

/**
 * Applies pending drizzle-kit migrations in one transaction: all of them, or none. With `backup`,
 * a database that already holds data is first copied beside its file (migration-backups.ts).
 */
export function runMigrations(db: Db, migrationsFolder = MIGRATIONS_FOLDER, backup?: MigrationBackupOptions): void {
  // An upgrade of a database that holds data says what it is doing: one transaction that shows
  // no progress of its own, which over a big table can take minutes.
  const upgrade = backup ? upgradeOf(db.$client, migrationsFolder) : null;
  if (upgrade && backup) writeMigrationBackup(db.$client, upgrade.first, backup);
  const started = performance.now();
  if (upgrade) backup?.log?.info({ pending: upgrade.pending, from: upgrade.from }, `applying ${migrations(upgrade.pending)} in one transaction (over big tables this can take minutes)`);
  try {
    migrate(db, { migrationsFolder });
    if (upgrade) backup?.log?.info({ pending: upgrade.pending, seconds: seconds(started) }, `applied ${migrations(upgrade.pending)} in ${seconds(started)} s`);
  } catch (err) {
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new MigrationError(`database migration failed, nothing was changed: ${cause}`, { cause: err });
  }
}

/** Pending migrations over a database that already had some: an upgrade (null for a new database or none pending). */
function upgradeOf(sqlite: Sqlite, migrationsFolder: string): { first: string; pending: number; from: string | null } | null {
  const status = migrationStatus(sqlite, migrationsFolder);
  const first = status.pending[0];
  return status.applied > 0 && first ? { first: first.tag, pending: status.pending.length, from: status.lastTag } : null;
}

const migrations = (n: number) => `${n} pending migration${n === 1 ? '' : 's'}`;
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

export function appliedMigrationCount(db: Db): number {
  const row = db.$client
    .prepare("select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get() as { n: number };
  if (row.n === 0) return 0;
  return (db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
}
