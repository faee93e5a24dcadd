import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { OPENAPI_FILE } from '../../scripts/export-openapi.js';
import {
  DEV_SESSION_STATUSES,
  DEV_SESSION_TYPES,
  DevProfilesRowSchema,
  DevSessionStatusSchema,
  DevSessionsRowSchema,
  DevSessionTypeSchema,
  type IDevProfilesRow,
  type IDevSessionsRow,
} from '../../src/db/row-types.js';
import { profiles, sessions } from '../../src/db/sqlite/schema/core.js';
import { SessionStatus, SessionType } from '../../src/schemas/sessions.js';
import { build, createSession } from '../helper.js';

test('the session type and status lists have one source: the row schemas, and the API, OpenAPI and the database CHECKs agree with it', async (t) => {
  assert.deepEqual(DEV_SESSION_TYPES, ['repl', 'profile', 'test', 'watch', 'lint', 'typecheck', 'mcp', 'agent']);
  assert.deepEqual(DEV_SESSION_STATUSES, ['active', 'completed', 'failed', 'cancelled']);
  assert.deepEqual(SessionType.enum, DEV_SESSION_TYPES);
  assert.deepEqual(SessionStatus.enum, DEV_SESSION_STATUSES);
  for (const value of DEV_SESSION_TYPES) assert.ok(Value.Check(DevSessionTypeSchema, value));
  for (const value of DEV_SESSION_STATUSES) assert.ok(Value.Check(DevSessionStatusSchema, value));
  assert.equal(Value.Check(DevSessionTypeSchema, 'build'), false);
  assert.equal(Value.Check(DevSessionStatusSchema, 'paused'), false);

  const doc = parse(readFileSync(OPENAPI_FILE, 'utf8'));
  assert.deepEqual(doc.components.schemas.Session.properties.type.enum, DEV_SESSION_TYPES);
  assert.deepEqual(doc.components.schemas.Session.properties.status.enum, DEV_SESSION_STATUSES);

  // The migrated database refuses what the schemas refuse: its CHECKs list the same values.
  const app = await build(t);
  const ddl = app.sqlite.db.$client.prepare("select sql from sqlite_master where name = 'sessions'").pluck().get() as string;
  assert.ok(ddl.includes(`type in (${DEV_SESSION_TYPES.map((v) => `'${v}'`).join(', ')})`), ddl);
  assert.ok(ddl.includes(`status in (${DEV_SESSION_STATUSES.map((v) => `'${v}'`).join(', ')})`), ddl);
});

test('rows the store writes fit the row schemas, column for column', async (t) => {
  const app = await build(t);
  await app.services.profiles.create({ name: 'laptop', description: 'a profile' }, 'test');
  const session = await createSession(app, { type: 'lint', profile: 'laptop', project: 'web' });
  const profileRow = app.sqlite.db.$client.prepare('select * from profiles').get() as Record<string, unknown>;
  const sessionRow = app.sqlite.db.$client.prepare('select * from sessions where id = ?').get(session.id) as Record<string, unknown>;
  // Drizzle's names are camelCase over snake_case columns; the schemas list exactly the columns.
  const camel = (name: string) => name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  assert.deepEqual(Object.keys(profileRow).map(camel).sort(), Object.keys(DevProfilesRowSchema.properties).sort());
  assert.deepEqual(Object.keys(sessionRow).map(camel).sort(), Object.keys(DevSessionsRowSchema.properties).sort());
  const [asProfile] = app.sqlite.db.select().from(profiles).all() as IDevProfilesRow[];
  const [asSession] = app.sqlite.db.select().from(sessions).all() as IDevSessionsRow[];
  assert.deepEqual([...Value.Errors(DevProfilesRowSchema, asProfile)], []);
  assert.deepEqual([...Value.Errors(DevSessionsRowSchema, asSession)], []);
  assert.equal(asSession?.type, 'lint');
});
