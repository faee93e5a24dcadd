import type { ServiceDeps } from './index.js';

/** Placeholder until the resource is built: see its issue. */
export function createFeatureUsageService(_deps: ServiceDeps) {
  return {};
}

export type FeatureUsageService = ReturnType<typeof createFeatureUsageService>;
