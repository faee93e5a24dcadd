import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Placeholder until the resource is built: see its issue. */
const otlpRoutes: FastifyPluginAsyncTypebox = async function otlpRoutes() {};

export default otlpRoutes;
