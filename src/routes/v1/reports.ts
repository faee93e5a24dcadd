import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Placeholder until the resource is built: see its issue. */
const reportRoutes: FastifyPluginAsyncTypebox = async function reportRoutes() {};

export default reportRoutes;
