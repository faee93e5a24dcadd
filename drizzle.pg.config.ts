import { defineConfig } from 'drizzle-kit';

/**
 * The PostgreSQL engine's schema and its migrations (drizzle-kit output only). The partitioned
 * tables (src/db/pg/schema/telemetry.ts) are not listed: drizzle-kit cannot create partitioned
 * tables, so a custom migration does (`npx drizzle-kit generate --custom --config
 * drizzle.pg.config.ts --name …`).
 */
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/db/pg/schema/core.ts', './src/db/pg/schema/counts.ts', './src/db/pg/schema/ids.ts', './src/db/pg/schema/rollups.ts'],
  out: './migrations/pg',
  strict: true,
  verbose: true,
});
