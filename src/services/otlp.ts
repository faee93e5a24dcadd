import type { ServiceDeps } from './index.js';

/** Placeholder until the resource is built: see its issue. */
export function createOtlpService(_deps: ServiceDeps) {
  return {};
}

export type OtlpService = ReturnType<typeof createOtlpService>;
