const MAX_EVENT_NAMES = 200;

/** What ingest counts, and where it came from: the REST API or the OTLP receiver. */
export const INGEST_KINDS = ['tool_calls', 'productivity_events', 'feature_usage'] as const;
export const INGEST_SOURCES = ['api', 'otlp'] as const;
export type IngestKind = (typeof INGEST_KINDS)[number];
export type IngestSource = (typeof INGEST_SOURCES)[number];

export type BatchCounts = { accepted: number; duplicates: number; rejected: number };
/** The counts of one kind from one source; a service takes its tally once, so a batch adds three numbers. */
export type BatchTally = { record(result: BatchCounts): void };
export type TallyCounts = BatchCounts & { kind: IngestKind; source: IngestSource };

/** The pairs that exist: only tool calls arrive over OTLP. */
const PAIRS: ReadonlyArray<[IngestKind, IngestSource]> = [
  ['tool_calls', 'api'],
  ['tool_calls', 'otlp'],
  ['productivity_events', 'api'],
  ['feature_usage', 'api'],
];

/** In-memory ingest counters since process start, read by GET /v1/stats (totals) and GET /metrics (per kind and source). */
export function createIngestCounters() {
  const tallies = PAIRS.map(([kind, source]): TallyCounts => ({ kind, source, accepted: 0, duplicates: 0, rejected: 0 }));
  let otlpMetricsRequests = 0;
  // A Map, so an event name such as "__proto__" is just a name.
  const otlpRecords = new Map<string, number>();
  return {
    tally(kind: IngestKind, source: IngestSource): BatchTally {
      const counts = tallies.find((t) => t.kind === kind && t.source === source);
      if (!counts) throw new Error(`no ingest of ${kind} over ${source}`);
      return {
        record(result) {
          counts.accepted += result.accepted;
          counts.duplicates += result.duplicates;
          counts.rejected += result.rejected;
        },
      };
    },
    recordOtlp(eventName: string, n = 1): void {
      // Event names come from clients: past a bound, new ones are pooled so memory stays flat.
      const key = otlpRecords.has(eventName) || otlpRecords.size < MAX_EVENT_NAMES ? eventName : 'other';
      otlpRecords.set(key, (otlpRecords.get(key) ?? 0) + n);
    },
    recordOtlpMetrics(): void {
      otlpMetricsRequests += 1;
    },
    /** Totals over every kind and source, as GET /v1/stats shows them. */
    snapshot() {
      const sum = (field: keyof BatchCounts) => tallies.reduce((n, t) => n + t[field], 0);
      return {
        accepted: sum('accepted'),
        duplicates: sum('duplicates'),
        rejected: sum('rejected'),
        otlpMetricsRequests,
        otlpRecords: Object.fromEntries(otlpRecords) as Record<string, number>,
      };
    },
    /** Per kind and source, every pair listed (zeros included), copied. */
    byKind: (): TallyCounts[] => tallies.map((t) => ({ ...t })),
  };
}

export type IngestCounters = ReturnType<typeof createIngestCounters>;
