import { defineConfig } from 'drizzle-kit';

/** The SQLite engine's schema and its migrations (drizzle-kit output only). */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/sqlite/schema.ts',
  out: './migrations/sqlite',
  strict: true,
  verbose: true,
});
