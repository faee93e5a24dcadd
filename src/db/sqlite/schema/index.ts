/** The SQLite engine's schema, one file per part (drizzle.sqlite.config.ts lists them). */
export * from './core.js';
export * from './telemetry.js';
export * from './rollups.js';
export * from './views.js';
