const MAX_EVENT_NAMES = 200;

/** In-memory ingest counters since process start, shown by GET /v1/stats. */
export function createIngestCounters() {
  const counters = { accepted: 0, duplicates: 0, rejected: 0, otlpMetricsRequests: 0 };
  // A Map, so an event name such as "__proto__" is just a name.
  const otlpRecords = new Map<string, number>();
  return {
    recordBatch(result: { accepted: number; duplicates: number; rejected: number }): void {
      counters.accepted += result.accepted;
      counters.duplicates += result.duplicates;
      counters.rejected += result.rejected;
    },
    recordOtlp(eventName: string, n = 1): void {
      // Event names come from clients: past a bound, new ones are pooled so memory stays flat.
      const key = otlpRecords.has(eventName) || otlpRecords.size < MAX_EVENT_NAMES ? eventName : 'other';
      otlpRecords.set(key, (otlpRecords.get(key) ?? 0) + n);
    },
    recordOtlpMetrics(): void {
      counters.otlpMetricsRequests += 1;
    },
    snapshot() {
      return { ...counters, otlpRecords: Object.fromEntries(otlpRecords) as Record<string, number> };
    },
  };
}

export type IngestCounters = ReturnType<typeof createIngestCounters>;
