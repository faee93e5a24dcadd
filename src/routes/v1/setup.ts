import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Placeholder until the resource is built: see its issue. */
const setupRoutes: FastifyPluginAsyncTypebox = async function setupRoutes() {};

export default setupRoutes;
