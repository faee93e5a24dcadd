import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Placeholder until the resource is built: see its issue. */
const profileRoutes: FastifyPluginAsyncTypebox = async function profileRoutes() {};

export default profileRoutes;
