import type { ServiceDeps } from './index.js';

/** Placeholder until the resource is built: see its issue. */
export function createSessionService(_deps: ServiceDeps) {
  return {};
}

export type SessionService = ReturnType<typeof createSessionService>;
