import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { EngineStats } from '../db/store.js';
import { KNOWN_EVENTS } from '../lib/otlp-mapping.js';
import { SnapshotHistogram } from '../lib/snapshot-histogram.js';
import type { IngestCounters } from '../services/ingest-counters.js';
import type { RetentionTotals } from '../services/retention-counters.js';

export const PREFIX = 'devflow_';
/** The label of OTLP records whose event name is not one of KNOWN_EVENTS: the name came from a client. */
export const OTHER_EVENT = 'other';

/** What a scrape reads: every figure is counted where it happens and only read here. */
export type ScrapeSources = {
  engineStats: () => Promise<EngineStats>;
  counters: IngestCounters;
  retention: () => RetentionTotals;
};

const known = new Set(KNOWN_EVENTS);
const OUTCOMES = [
  ['accepted', 'accepted'],
  ['duplicates', 'duplicate'],
  ['rejected', 'rejected'],
] as const;
const DELETED_KINDS = [
  ['toolCalls', 'tool_calls'],
  ['sessions', 'sessions'],
  ['productivityEvents', 'productivity_events'],
  ['featureUsage', 'feature_usage'],
] as const;

let processRegistry: Registry | null = null;

/**
 * Process metrics (CPU, memory, event-loop lag, GC, handles), one set per process: they
 * describe the process, not an app, and prom-client's collector installs a GC observer and an
 * event-loop monitor it never removes, so one per app would leak both in a process that builds
 * many apps (the tests). Its own registry, never prom-client's global one.
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: PREFIX });
  }
  return processRegistry;
}

/** Counters whose totals are kept elsewhere: each scrape sets them to the totals read. */
function totals<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]) {
  const counter = new Counter<L>({ name: PREFIX + name, help, labelNames, registers: [registry] });
  return (rows: Iterable<[Partial<Record<L, string>>, number]>) => {
    counter.reset();
    for (const [labels, value] of rows) counter.inc(labels, value);
  };
}

function gauge(registry: Registry, name: string, help: string) {
  const g = new Gauge({ name: PREFIX + name, help, registers: [registry] });
  return (value: number) => g.set(value);
}

/** OTLP records by event name, every name outside KNOWN_EVENTS pooled as `other` (so no label value is a client's). */
export function recordsByEvent(otlpRecords: Record<string, number>): Array<[{ event: string }, number]> {
  const byEvent = new Map<string, number>(KNOWN_EVENTS.map((name) => [name, 0]));
  byEvent.set(OTHER_EVENT, 0);
  for (const [name, n] of Object.entries(otlpRecords)) {
    const event = known.has(name) ? name : OTHER_EVENT;
    byEvent.set(event, (byEvent.get(event) ?? 0) + n);
  }
  return [...byEvent].map(([event, n]) => [{ event }, n]);
}

/**
 * The metrics read at scrape time, registered in `registry`; returns the step that reads their
 * sources (one engine snapshot a scrape) and sets them. Nothing here runs on ingest.
 */
export function scrapedMetrics(registry: Registry, sources: ScrapeSources): () => Promise<void> {
  const items = totals(registry, 'ingest_items_total', 'Items received by ingest since start, by kind, source (api or otlp) and outcome (accepted, duplicate, rejected).', ['kind', 'source', 'outcome']);
  const otlpRecords = totals(registry, 'otlp_log_records_total', `OTLP log records received since start, by Claude Code event name (any other name: ${OTHER_EVENT}).`, ['event']);
  const otlpMetrics = totals(registry, 'otlp_metrics_requests_total', 'OTLP metrics export requests received (accepted and counted only).', []);
  const commits = totals(registry, 'group_commits_total', 'Ingest write transactions (group commits) since the database was opened, by outcome.', ['outcome']);
  const commitRows = new SnapshotHistogram({ name: `${PREFIX}group_commit_rows`, help: 'Rows carried by each successful group commit.', registers: [registry] });
  const commitSeconds = new SnapshotHistogram({ name: `${PREFIX}group_commit_duration_seconds`, help: 'Time each successful group commit held the write lock, BEGIN to COMMIT.', registers: [registry] });
  const queuedWrites = gauge(registry, 'write_queue_writes', 'Ingest writes waiting for the next group commit.');
  const queuedRows = gauge(registry, 'write_queue_rows', 'Rows of the ingest writes waiting for the next group commit.');
  const staged = gauge(registry, 'staged_tool_calls', 'Tool calls committed but not yet moved from the stage into tool_calls.');
  const rollupsBuilt = gauge(registry, 'rollups_built', '1 when the tool-call rollups cover every stored call (reports may read them), else 0 (being rebuilt).');
  const rollupBatches = gauge(registry, 'rollup_pending_batches', 'Rollup delta rows (one per group commit) not yet folded into the rollups.');
  const rollupLag = gauge(registry, 'rollup_lag_seconds', 'Age of the oldest rollup delta row not yet folded (0 when none waits).');
  const dbBytes = gauge(registry, 'database_size_bytes', 'Size of the database (pages times page size).');
  const walBytes = gauge(registry, 'database_wal_size_bytes', 'Size of the write-ahead log file.');
  const freeBytes = gauge(registry, 'database_free_bytes', 'Bytes of free pages inside the database file.');
  const retentionRuns = totals(registry, 'retention_runs_total', 'Retention runs this process finished, by outcome and whether they were dry runs.', ['outcome', 'dry_run']);
  const retentionDeleted = totals(registry, 'retention_deleted_rows_total', 'Rows deleted by retention runs of this process, by kind.', ['kind']);
  const staleClosed = totals(registry, 'retention_stale_sessions_closed_total', 'Idle active sessions retention runs of this process closed as cancelled.', []);

  return async function readSources() {
    const engine = await sources.engineStats();
    const ingest = sources.counters.snapshot();
    items(sources.counters.byKind().flatMap((t) => OUTCOMES.map(([field, outcome]) => [{ kind: t.kind, source: t.source, outcome }, t[field]] as [Record<string, string>, number])));
    otlpRecords(recordsByEvent(ingest.otlpRecords));
    otlpMetrics([[{}, ingest.otlpMetricsRequests]]);
    commits([
      [{ outcome: 'succeeded' }, engine.commits.succeeded],
      [{ outcome: 'failed' }, engine.commits.failed],
    ]);
    commitRows.show([{ labels: {}, distribution: engine.commits.rows }]);
    commitSeconds.show([{ labels: {}, distribution: engine.commits.seconds }]);
    queuedWrites(engine.queued.writes);
    queuedRows(engine.queued.rows);
    staged(engine.stagedToolCalls);
    rollupsBuilt(engine.rollups.built ? 1 : 0);
    rollupBatches(engine.rollups.pendingBatches);
    rollupLag(engine.rollups.lagSeconds);
    dbBytes(engine.database.databaseBytes);
    walBytes(engine.database.walBytes);
    freeBytes(engine.database.freePages * engine.database.pageSize);
    const retention = sources.retention();
    retentionRuns(retention.runs.map((r) => [{ outcome: r.outcome, dry_run: String(r.dryRun) }, r.count]));
    retentionDeleted(DELETED_KINDS.map(([field, kind]) => [{ kind }, retention.deleted[field]]));
    staleClosed([[{}, retention.staleSessionsClosed]]);
  };
}
