import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Placeholder until the resource is built: see its issue. */
const featureUsageRoutes: FastifyPluginAsyncTypebox = async function featureUsageRoutes() {};

export default featureUsageRoutes;
