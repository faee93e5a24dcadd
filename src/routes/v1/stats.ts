import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Placeholder until the resource is built: see its issue. */
const statsRoutes: FastifyPluginAsyncTypebox = async function statsRoutes() {};

export default statsRoutes;
