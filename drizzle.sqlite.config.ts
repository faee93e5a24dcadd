import { defineConfig } from 'drizzle-kit';

/** The SQLite engine's schema and its migrations (drizzle-kit output only). */
export default defineConfig({
  dialect: 'sqlite',
  schema: ['./src/db/sqlite/schema/core.ts', './src/db/sqlite/schema/telemetry.ts', './src/db/sqlite/schema/rollups.ts', './src/db/sqlite/schema/views.ts'],
  out: './migrations/sqlite',
  strict: true,
  verbose: true,
});
