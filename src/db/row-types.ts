import type { Static, TSchema } from '@sinclair/typebox';
import { createSelectSchema } from 'drizzle-typebox';
import { profiles, sessions } from './sqlite/schema/core.js';

/**
 * The stored rows of profiles and sessions, as TypeBox schemas derived from the SQLite engine's
 * Drizzle tables (drizzle-typebox), and their static types. The session type and status schemas
 * are the one source of those two lists: the HTTP schemas, the services, the CLI and every engine
 * take them from here (the SQLite table is where they are written down, so the CHECK constraints,
 * the row schemas and the API cannot disagree).
 *
 * Stores check rows against these where rows come from outside the running service (a restored
 * backup); services keep their API-shaped objects.
 */
export const DevProfilesRowSchema = createSelectSchema(profiles);
export const DevSessionsRowSchema = createSelectSchema(sessions);
export const DevSessionTypeSchema = DevSessionsRowSchema.properties.type;
export const DevSessionStatusSchema = DevSessionsRowSchema.properties.status;

export type IDevProfilesRow = Static<typeof DevProfilesRowSchema>;
export type IDevSessionsRow = Static<typeof DevSessionsRowSchema>;
export type DevSessionType = Static<typeof DevSessionTypeSchema>;
export type DevSessionStatus = Static<typeof DevSessionStatusSchema>;

/** The values of an enum schema (drizzle-typebox writes them as anyOf of consts), in order. */
function valuesOf<T extends string>(schema: TSchema): readonly T[] {
  const options = (schema as { anyOf?: Array<{ const?: unknown }> }).anyOf ?? [];
  const values = options.map((option) => option.const);
  if (values.length === 0 || values.some((value) => typeof value !== 'string')) {
    throw new Error('expected an enum schema of strings');
  }
  return Object.freeze(values as T[]);
}

export const DEV_SESSION_TYPES = valuesOf<DevSessionType>(DevSessionTypeSchema);
export const DEV_SESSION_STATUSES = valuesOf<DevSessionStatus>(DevSessionStatusSchema);
