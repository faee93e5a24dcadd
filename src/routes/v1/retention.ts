import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Placeholder until the resource is built: see its issue. */
const retentionRoutes: FastifyPluginAsyncTypebox = async function retentionRoutes() {};

export default retentionRoutes;
