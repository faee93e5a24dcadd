import type { ServiceDeps } from './index.js';

/** Placeholder until the resource is built: see its issue. */
export function createProfileService(_deps: ServiceDeps) {
  return {};
}

export type ProfileService = ReturnType<typeof createProfileService>;
