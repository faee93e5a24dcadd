import type { FastifyPluginAsync } from 'fastify';
import apiKeyRoutes from './api-keys.js';
import featureUsageRoutes from './feature-usage.js';
import otlpRoutes from './otlp.js';
import productivityEventRoutes from './productivity-events.js';
import profileRoutes from './profiles.js';
import reportRoutes from './reports.js';
import retentionRoutes from './retention.js';
import sessionRoutes from './sessions.js';
import setupRoutes from './setup.js';
import statsRoutes from './stats.js';
import toolCallRoutes from './tool-calls.js';

/** Every /v1 resource; each route declares its access role in config.access. */
const v1Routes: FastifyPluginAsync = async function v1Routes(app) {
  await app.register(apiKeyRoutes);
  await app.register(profileRoutes);
  await app.register(sessionRoutes);
  await app.register(toolCallRoutes);
  await app.register(productivityEventRoutes);
  await app.register(featureUsageRoutes);
  await app.register(otlpRoutes);
  await app.register(reportRoutes);
  await app.register(statsRoutes);
  await app.register(retentionRoutes);
  await app.register(setupRoutes);
};

export default v1Routes;
