import type { ServiceDeps } from './index.js';

/** Placeholder until the resource is built: see its issue. */
export function createStatsService(_deps: ServiceDeps) {
  return {};
}

export type StatsService = ReturnType<typeof createStatsService>;
