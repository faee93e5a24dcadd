import { Type } from '@sinclair/typebox';
import { Nullable, Page, PageQuery, Timestamp } from './common.js';

/** Contract "Profiles": 1–64 chars of [a-z0-9._-], first a letter or digit, not all digits. */
export const PROFILE_NAME_PATTERN = '^(?![0-9]+$)[a-z0-9][a-z0-9._-]{0,63}$';

export const ProfileName = (description = 'unique; 1–64 chars of a-z 0-9 . _ -, starting with a letter or digit, not all digits') =>
  Type.String({ minLength: 1, maxLength: 64, pattern: PROFILE_NAME_PATTERN, description, example: 'node-dev' });

const Description = Type.String({ maxLength: 1000, description: 'free text, up to 1000 characters', example: 'Node 20 with watch mode and verbose logs' });

export const ProfileConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ description: 'whether tools should use this profile', example: true }),
    autoSave: Type.Boolean({ example: false }),
    debugMode: Type.Boolean({ example: false }),
  },
  { title: 'ProfileConfig' },
);

export const ProfileSchema = Type.Object(
  {
    id: Type.Integer({ description: 'server-assigned, stable', example: 1 }),
    name: ProfileName(),
    description: Nullable(Description),
    config: ProfileConfigSchema,
    createdAt: Timestamp(),
    updatedAt: Timestamp('changes on every PATCH that changes something'),
  },
  { $id: 'Profile', title: 'Profile' },
);

const ConfigInput = (defaults: boolean) =>
  Type.Object(
    {
      enabled: Type.Optional(Type.Boolean({ description: defaults ? 'default true' : undefined })),
      autoSave: Type.Optional(Type.Boolean({ description: defaults ? 'default false' : undefined })),
      debugMode: Type.Optional(Type.Boolean({ description: defaults ? 'default false' : undefined })),
    },
    { additionalProperties: false, ...(defaults ? {} : { minProperties: 1 }) },
  );

export const CreateProfileBody = Type.Object(
  {
    name: ProfileName(),
    description: Type.Optional(Nullable(Description)),
    config: Type.Optional(ConfigInput(true)),
  },
  {
    additionalProperties: false,
    description: 'Unknown properties are rejected (400). A taken name is a 409 PROFILE_NAME_TAKEN.',
    examples: [{ name: 'node-dev', description: 'Node 20 with watch mode', config: { autoSave: true } }],
  },
);

export const UpdateProfileBody = Type.Object(
  {
    name: Type.Optional(ProfileName('rename; 409 PROFILE_NAME_TAKEN if another profile has it')),
    description: Type.Optional(Nullable(Description)),
    config: Type.Optional(ConfigInput(false)),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'Partial update: only the fields given change; `config` fields are merged one by one. An empty body (or empty `config`) is a 400. ' +
      'A change bumps `updatedAt` and writes one audit entry; a PATCH that changes nothing writes no audit entry.',
    examples: [{ config: { debugMode: true } }, { name: 'node-dev-2', description: null }],
  },
);

export const ProfileParams = Type.Object({
  idOrName: Type.String({ minLength: 1, maxLength: 200, description: 'all digits = the profile id, otherwise its name', example: 'node-dev' }),
});

export const ProfileListQuery = Type.Object(
  { enabled: Type.Optional(Type.Boolean({ description: 'only enabled (true) or disabled (false) profiles' })), ...PageQuery },
  { additionalProperties: false },
);

export const DeleteProfileQuery = Type.Object(
  {
    cascade: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'also delete the profile\'s sessions and everything under them (tool calls, productivity events, feature usage), in one transaction',
      }),
    ),
  },
  { additionalProperties: false },
);

export const AuditListQuery = Type.Object(PageQuery, { additionalProperties: false });

const Change = Type.Object(
  { from: Type.Unknown({ description: 'value before (null on create)' }), to: Type.Unknown({ description: 'value after (null on delete)' }) },
  { title: 'AuditChange' },
);

export const AuditEntrySchema = Type.Object(
  {
    id: Type.Integer({ example: 3 }),
    action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')], { example: 'update' }),
    changes: Type.Record(Type.String(), Change, {
      description:
        'One key per changed field: `name`, `description`, and config fields flattened as `config.enabled`, `config.autoSave`, `config.debugMode`. ' +
        'create lists every field from null; delete lists every field to null; update lists only fields whose value changed.',
      example: { 'config.debugMode': { from: false, to: true } },
    }),
    actor: Type.String({ description: 'name of the API key that made the change', example: 'ci-admin' }),
    at: Timestamp(),
  },
  { $id: 'ProfileAuditEntry', title: 'ProfileAuditEntry' },
);

export const ProfilePage = Page(ProfileSchema, 'ProfilePage');
export const AuditPage = Page(AuditEntrySchema, 'ProfileAuditPage');
