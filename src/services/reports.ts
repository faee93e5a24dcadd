import { min } from 'drizzle-orm';
import { toolCalls } from '../db/sqlite/schema.js';
import { iso } from '../lib/time.js';
import type { ServiceDeps } from './index.js';
import { assertTimeZone, resolveRange, statementCache, type Range, type ReportFilter } from './reports-common.js';
import { featuresReport, type FeaturesFilter, type FeaturesReportRow } from './reports-features.js';
import { productivityReport, type ProductivityFilter, type ProductivityReportRow } from './reports-productivity.js';
import { profilesReport, sessionsReport, type ProfilesReportRow, type SessionsReportRow } from './reports-sessions.js';
import { toolsReport, toolsTimeseries, type ToolFilter, type ToolsReportRow, type ToolsTimeseriesRow } from './reports-tools.js';
import { toolsReportFromRollups, toolsTimeseriesFromRollups, type RollupReading } from './reports-tools-rollup.js';
import { SUMMARY_LAYOUT } from './rollups-sql.js';
import { SLOT_MS, slotOf, type RollupService } from './rollups.js';
import type { ToolCallInbox } from './tool-call-inbox.js';

export type { ReportFilter } from './reports-common.js';

type Report<Row> = { from: string; to: string; rows: Row[] };
/** Where the tool reports' figures came from (issue 9). */
export type ReportSource = 'rollup' | 'raw';

/** The column order of each report's rows: the JSON field order and the CSV header. */
export const REPORT_FIELDS = {
  sessions: ['type', 'total', 'active', 'completed', 'failed', 'cancelled', 'successRate', 'avgDurationMinutes', 'p95DurationMinutes', 'errorCount', 'errorsPerSession', 'outputLines'],
  tools: ['toolName', 'calls', 'errors', 'timeouts', 'errorRate', 'timeoutRate', 'avgDurationMs', 'p50DurationMs', 'p95DurationMs', 'p99DurationMs', 'maxDurationMs'],
  toolsTimeseries: ['bucketStart', 'toolName', 'calls', 'errors', 'avgDurationMs', 'p95DurationMs'],
  productivity: ['period', 'eventType', 'eventCount', 'avgTimeSaved', 'avgImprovement', 'totalTimeSaved'],
  features: ['featureCategory', 'featureName', 'usageCount', 'uniqueSessions', 'successRate', 'avgDurationSeconds'],
  profiles: ['profileId', 'name', 'sessions', 'successRate', 'totalMinutes', 'errorsPerSession', 'lastActiveAt'],
} as const;

const envelope = <Row>(range: Range, rows: Row[]): Report<Row> => ({ from: iso(range.from), to: iso(range.to), rows });

const callsIn = (rows: ReadonlyArray<{ calls: number }>) => rows.reduce((n, r) => n + r.calls, 0);

/**
 * Contract "Reports": every report over [from, to) (default the last 30 days), narrowed by
 * profile, project or session. The tool reports read the rollups once they are built unless a
 * session is given, and then re-read raw rows when the range holds at most
 * config.exactReportCalls calls and raw rows still hold every one of them (exact percentiles
 * cost little there); they say which in `source`.
 */
export function createReportService({ db, now, config, rollups, inbox }: ServiceDeps & { rollups: RollupService; inbox: ToolCallInbox }) {
  const prepared = statementCache(db);
  const oldestRaw = db.select({ at: min(toolCalls.timestamp) }).from(toolCalls).prepare();
  /** The first slot whose raw rows are all still stored (the oldest one may have lost some to retention). */
  const rawFrom = (): number => {
    const at = oldestRaw.get()?.at ?? null;
    return at === null ? Number.POSITIVE_INFINITY : slotOf(at) + SLOT_MS;
  };

  /**
   * The rollup answer, or the raw one when it is small and complete (same calls as the rollups
   * count). Only without a profile or project filter: raw rows can be found by them only by
   * reading every call of the range (a 30-day project report over raw rows took 400 ms at 1M).
   */
  function answer<Row extends { calls: number }>(filter: ToolFilter, fromRollups: (reading: RollupReading) => Row[], fromRaw: () => Row[]): { rows: Row[]; source: ReportSource } {
    inbox.drain();
    // Rollups whenever they can answer (built, no session filter); raw rows otherwise.
    const state = filter.session === undefined ? rollups.state() : null;
    if (!state?.built) return { rows: fromRaw(), source: 'raw' };
    rollups.settle();
    const rolled = fromRollups({ rawFrom: rawFrom(), offsetHours: state.layout >= SUMMARY_LAYOUT, closedBefore: state.closedBefore ?? Number.POSITIVE_INFINITY });
    const calls = callsIn(rolled);
    if (calls <= config.exactReportCalls && filter.profile === undefined && filter.project === undefined) {
      const raw = fromRaw();
      if (callsIn(raw) === calls) return { rows: raw, source: 'raw' };
    }
    return { rows: rolled, source: 'rollup' };
  }

  return {
    sessions(filter: ReportFilter): Report<SessionsReportRow> {
      const range = resolveRange(filter, now());
      return envelope(range, sessionsReport(db, prepared, range, filter));
    },

    tools(filter: ToolFilter): Report<ToolsReportRow> & { source: ReportSource } {
      const range = resolveRange(filter, now());
      const { rows, source } = answer(filter, (reading) => toolsReportFromRollups(db, prepared, range, filter, reading), () => toolsReport(db, prepared, range, filter));
      return { ...envelope(range, rows), source };
    },

    toolsTimeseries(filter: ToolFilter & { interval?: 'hour' | 'day'; tz?: string }): Report<ToolsTimeseriesRow> & { source: ReportSource } {
      const tz = filter.tz ?? 'UTC';
      assertTimeZone(tz);
      const range = resolveRange(filter, now());
      const full = { ...filter, tz, interval: filter.interval ?? 'day' };
      const { rows, source } = answer(full, (reading) => toolsTimeseriesFromRollups(db, prepared, range, full, reading), () => toolsTimeseries(db, prepared, range, full));
      return { ...envelope(range, rows), source };
    },

    productivity(filter: Omit<ProductivityFilter, 'groupBy' | 'tz'> & { groupBy?: ProductivityFilter['groupBy']; tz?: string }) {
      const tz = filter.tz ?? 'UTC';
      assertTimeZone(tz);
      const range = resolveRange(filter, now());
      const { rows, totals } = productivityReport(db, prepared, range, { ...filter, tz, groupBy: filter.groupBy ?? 'day' });
      return { ...envelope<ProductivityReportRow>(range, rows), totals };
    },

    features(filter: FeaturesFilter): Report<FeaturesReportRow> {
      const range = resolveRange(filter, now());
      return envelope(range, featuresReport(db, prepared, range, filter));
    },

    profiles(filter: ReportFilter): Report<ProfilesReportRow> {
      inbox.drain(); // lastActiveAt: the sessions' last activity moves with their staged calls
      const range = resolveRange(filter, now());
      return envelope(range, profilesReport(db, prepared, range, filter));
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
