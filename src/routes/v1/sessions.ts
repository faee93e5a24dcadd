import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Placeholder until the resource is built: see its issue. */
const sessionRoutes: FastifyPluginAsyncTypebox = async function sessionRoutes() {};

export default sessionRoutes;
