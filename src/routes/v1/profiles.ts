import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { problemResponses } from '../../schemas/error-responses.js';
import {
  AuditListQuery,
  AuditPage,
  CreateProfileBody,
  DeleteProfileQuery,
  ProfileListQuery,
  ProfilePage,
  ProfileParams,
  ProfileSchema,
  UpdateProfileBody,
} from '../../schemas/profiles.js';

const TAGS = ['profiles'];
const actor = (request: FastifyRequest) => request.principal?.name ?? 'unknown';

/** POST and GET /profiles: create one, list them. */
const profileCollectionRoutes: FastifyPluginAsyncTypebox = async function profileCollectionRoutes(app) {
  const profiles = app.services.profiles;

  app.post(
    '/profiles',
    {
      config: { access: 'admin' },
      schema: {
        tags: TAGS,
        operationId: 'createProfile',
        summary: 'Create a profile',
        description: 'Config fields default to enabled true, autoSave false, debugMode false. Writes a `create` audit entry.',
        body: CreateProfileBody,
        response: { 201: { ...ProfileSchema, description: 'the created profile' }, ...problemResponses(409) },
      },
    },
    async function createProfile(request, reply) {
      return reply.code(201).send(await profiles.create(request.body, actor(request)));
    },
  );

  app.get(
    '/profiles',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'listProfiles',
        summary: 'List profiles by name ascending',
        querystring: ProfileListQuery,
        response: { 200: { ...ProfilePage, description: 'a page of profiles; pass nextCursor as ?cursor= for the next' } },
      },
    },
    async function listProfiles(request) {
      const { enabled, limit, cursor } = request.query;
      return profiles.list({ enabled, limit: limit ?? 50, cursor });
    },
  );
};

/** GET, PATCH and DELETE /profiles/:idOrName: one profile by id or name. */
const profileItemRoutes: FastifyPluginAsyncTypebox = async function profileItemRoutes(app) {
  const profiles = app.services.profiles;

  app.get(
    '/profiles/:idOrName',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'getProfile',
        summary: 'Get a profile by id or name',
        description: 'A path segment of digits only is an id (`/v1/profiles/3`), anything else a name (`/v1/profiles/node-dev`).',
        params: ProfileParams,
        response: { 200: { ...ProfileSchema, description: 'the profile' }, ...problemResponses(404) },
      },
    },
    async function getProfile(request) {
      return profiles.get(request.params.idOrName);
    },
  );

  app.patch(
    '/profiles/:idOrName',
    {
      config: { access: 'admin' },
      schema: {
        tags: TAGS,
        operationId: 'updateProfile',
        summary: 'Change a profile (partial)',
        description: 'Renaming to a taken name is a 409 PROFILE_NAME_TAKEN. Each change bumps `updatedAt` and writes an `update` audit entry listing the changed fields.',
        params: ProfileParams,
        body: UpdateProfileBody,
        response: { 200: { ...ProfileSchema, description: 'the profile after the change' }, ...problemResponses(404, 409) },
      },
    },
    async function updateProfile(request) {
      return profiles.update(request.params.idOrName, request.body, actor(request));
    },
  );

  app.delete(
    '/profiles/:idOrName',
    {
      config: { access: 'admin' },
      schema: {
        tags: TAGS,
        operationId: 'deleteProfile',
        summary: 'Delete a profile',
        description:
          'A profile that sessions reference is a 409 PROFILE_HAS_SESSIONS, unless `?cascade=true`: then its sessions and everything under them ' +
          'are deleted with it in one transaction. Writes a `delete` audit entry; the history stays readable at `/v1/profiles/{idOrName}/audit`.',
        params: ProfileParams,
        querystring: DeleteProfileQuery,
        response: { 204: { type: 'null', description: 'deleted' }, ...problemResponses(404, 409) },
      },
    },
    async function deleteProfile(request, reply) {
      await profiles.remove(request.params.idOrName, { cascade: request.query.cascade ?? false }, actor(request));
      return reply.code(204).send();
    },
  );
};

/** GET /profiles/:idOrName/audit: the profile's change history, readable after a delete too. */
const profileAuditRoutes: FastifyPluginAsyncTypebox = async function profileAuditRoutes(app) {
  const profiles = app.services.profiles;

  app.get(
    '/profiles/:idOrName/audit',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'listProfileAudit',
        summary: 'Audit trail of a profile, newest first',
        description:
          'Every create, update and delete, with the changed fields (`from`/`to`) and the name of the API key that made it. ' +
          'After a delete the trail stays readable by the profile\'s id, or by its last name until another profile takes that name.',
        params: ProfileParams,
        querystring: AuditListQuery,
        response: { 200: { ...AuditPage, description: 'a page of audit entries, newest first' }, ...problemResponses(404) },
      },
    },
    async function profileAudit(request) {
      const { limit, cursor } = request.query;
      return profiles.audit(request.params.idOrName, { limit: limit ?? 50, cursor });
    },
  );
};

/**
 * Contract "Profiles": reads need the read role, every change needs admin. Registered in this
 * order because the OpenAPI document lists the routes as they are registered.
 */
const profileRoutes: FastifyPluginAsyncTypebox = async function profileRoutes(app) {
  await app.register(profileCollectionRoutes);
  await app.register(profileItemRoutes);
  await app.register(profileAuditRoutes);
};

export default profileRoutes;
