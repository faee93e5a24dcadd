import type { ServiceDeps } from './index.js';

/** Placeholder until the resource is built: see its issue. */
export function createProductivityEventService(_deps: ServiceDeps) {
  return {};
}

export type ProductivityEventService = ReturnType<typeof createProductivityEventService>;
