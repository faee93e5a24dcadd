/** In-memory ingest counters since process start, shown by GET /v1/stats. */
export function createIngestCounters() {
  const counters = {
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    otlpRecords: {} as Record<string, number>,
    otlpMetricsRequests: 0,
  };
  return {
    counters,
    recordBatch(result: { accepted: number; duplicates: number; rejected: number }): void {
      counters.accepted += result.accepted;
      counters.duplicates += result.duplicates;
      counters.rejected += result.rejected;
    },
    recordOtlp(eventName: string, n = 1): void {
      counters.otlpRecords[eventName] = (counters.otlpRecords[eventName] ?? 0) + n;
    },
    recordOtlpMetrics(): void {
      counters.otlpMetricsRequests += 1;
    },
    snapshot() {
      return { ...counters, otlpRecords: { ...counters.otlpRecords } };
    },
  };
}

export type IngestCounters = ReturnType<typeof createIngestCounters>;
