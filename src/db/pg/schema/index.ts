/**
 * The PostgreSQL engine's schema, one file per part. drizzle.pg.config.ts lists all but
 * telemetry.ts, whose partitioned tables come from a hand-written migration (see that file).
 */
export * from './core.js';
export * from './counts.js';
export * from './ids.js';
export * from './rollups.js';
export * from './telemetry.js';
