import type { ServiceDeps } from './index.js';

/** Placeholder until the resource is built: see its issue. */
export function createRetentionService(_deps: ServiceDeps) {
  return {};
}

export type RetentionService = ReturnType<typeof createRetentionService>;
