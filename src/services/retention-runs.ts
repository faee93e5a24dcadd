import type { RetentionRunRow } from '../db/store.js';
import { iso, isoOrNull } from '../lib/time.js';
import type { RunStatus, RunTrigger, VacuumMode } from '../lib/vocabulary.js';

export type { RunTrigger } from '../lib/vocabulary.js';

/** A retention run as the API shows it (contract "Retention and maintenance"). */
export type RetentionRunView = {
  id: number;
  trigger: RunTrigger;
  dryRun: boolean;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  deleted: { toolCalls: number; sessions: number; productivityEvents: number; featureUsage: number };
  staleSessionsClosed: number;
  vacuum: { mode: VacuumMode; bytesBefore: number; bytesAfter: number | null; note: string | null };
  error: string | null;
};

export function runView(row: RetentionRunRow): RetentionRunView {
  const c = row.counts;
  return {
    id: row.id,
    trigger: row.trigger,
    dryRun: row.dryRun,
    status: row.status,
    startedAt: iso(row.startedAt),
    finishedAt: isoOrNull(row.finishedAt),
    durationMs: row.finishedAt === null ? null : Math.max(0, row.finishedAt - row.startedAt),
    deleted: { toolCalls: c.toolCalls, sessions: c.sessions, productivityEvents: c.productivityEvents, featureUsage: c.featureUsage },
    staleSessionsClosed: c.staleSessionsClosed,
    vacuum: { mode: row.vacuumMode, bytesBefore: row.bytesBefore ?? 0, bytesAfter: row.bytesAfter, note: row.vacuumNote },
    error: row.error,
  };
}
