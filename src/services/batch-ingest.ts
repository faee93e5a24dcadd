import type { AppendOptions, AppendResult } from '../db/store.js';
import { unprocessable, type FieldError } from '../lib/app-error.js';
import type { ParsedBatch, Rejection } from '../lib/batch-body.js';
import type { BatchTally } from './ingest-counters.js';

export type BatchResult = { accepted: number; duplicates: number; rejected: Rejection[] };

/** What one kind of telemetry row needs to go through the shared batch rules. */
export type IngestSpec<Input, Draft> = {
  /** A validated input as the row to store (computed fields, canonical ids, time default now). */
  toDraft: (input: Input, now: number) => Draft;
  sessionIdOf: (draft: Draft) => string;
  append: (drafts: Draft[], options: AppendOptions) => Promise<AppendResult>;
};

/**
 * The batch rules shared by tool calls, productivity events and feature usage (contract "Tool
 * calls"): all-or-nothing unless partial; unknown sessions → 422 listing them with nothing
 * stored, or with partial one rejection each; an id already stored or repeated in the batch is
 * a duplicate, not an error.
 */
export function createBatchIngester<Input, Draft>(deps: { now: () => number; tally: BatchTally }, spec: IngestSpec<Input, Draft>) {
  return {
    /** Stores a parsed batch; resolves after the commit. */
    async ingest(batch: ParsedBatch<Input>, partial: boolean): Promise<BatchResult> {
      const now = deps.now();
      const drafts = batch.items.map((item) => spec.toDraft(item.value, now));
      const result = drafts.length === 0 ? { accepted: 0, duplicates: 0, unknownSessions: [] } : await spec.append(drafts, { allOrNothing: !partial });
      const errors: FieldError[] = result.unknownSessions.map((i) => ({
        path: `${batch.isBatch ? `/items/${batch.items[i]?.index}` : ''}/sessionId`,
        message: `unknown session ${spec.sessionIdOf(drafts[i] as Draft)}`,
      }));
      if (!partial && errors.length > 0) {
        const ids = [...new Set(result.unknownSessions.map((i) => spec.sessionIdOf(drafts[i] as Draft)))];
        throw unprocessable('UNKNOWN_SESSION', `unknown session id(s): ${ids.join(', ')}; nothing was stored`, errors);
      }
      const unknown: Rejection[] = result.unknownSessions.map((i, n) => ({ index: batch.items[i]?.index ?? i, code: 'UNKNOWN_SESSION', errors: [errors[n] as FieldError] }));
      const rejected = [...batch.rejected, ...unknown].sort((a, b) => a.index - b.index);
      deps.tally.record({ accepted: result.accepted, duplicates: result.duplicates, rejected: rejected.length });
      return { accepted: result.accepted, duplicates: result.duplicates, rejected };
    },
  };
}
