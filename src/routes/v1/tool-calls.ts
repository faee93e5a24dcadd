import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Placeholder until the resource is built: see its issue. */
const toolCallRoutes: FastifyPluginAsyncTypebox = async function toolCallRoutes() {};

export default toolCallRoutes;
