import type { ServiceDeps } from './index.js';

/** Placeholder until the resource is built: see its issue. */
export function createReportService(_deps: ServiceDeps) {
  return {};
}

export type ReportService = ReturnType<typeof createReportService>;
