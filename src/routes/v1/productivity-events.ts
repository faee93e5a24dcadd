import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Placeholder until the resource is built: see its issue. */
const productivityEventRoutes: FastifyPluginAsyncTypebox = async function productivityEventRoutes() {};

export default productivityEventRoutes;
