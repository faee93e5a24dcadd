import type { ServiceDeps } from './index.js';

/** Placeholder until the resource is built: see its issue. */
export function createToolCallService(_deps: ServiceDeps) {
  return {};
}

export type ToolCallService = ReturnType<typeof createToolCallService>;
