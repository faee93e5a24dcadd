import { min } from 'drizzle-orm';
import { toolCallRollups, toolCalls } from '../db/schema.js';
import { iso } from '../lib/time.js';
import type { ServiceDeps } from './index.js';
import { assertTimeZone, resolveRange, statementCache, type Range, type ReportFilter } from './reports-common.js';
import { featuresReport, type FeaturesFilter, type FeaturesReportRow } from './reports-features.js';
import { productivityReport, type ProductivityFilter, type ProductivityReportRow } from './reports-productivity.js';
import { profilesReport, sessionsReport, type ProfilesReportRow, type SessionsReportRow } from './reports-sessions.js';
import { toolsReport, toolsTimeseries, type ToolFilter, type ToolsReportRow, type ToolsTimeseriesRow } from './reports-tools.js';
import { toolsReportFromRollups, toolsTimeseriesFromRollups } from './reports-tools-rollup.js';
import { slotOf, type RollupService } from './rollups.js';

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

/**
 * Contract "Reports": every report over [from, to) (default the last 30 days), narrowed by
 * profile, project or session. The tool reports read the rollups for ranges that start before
 * the oldest raw tool call (no session filter, rollups built), raw rows otherwise; they say which in `source`.
 */
export function createReportService({ db, now, rollups }: ServiceDeps & { rollups: RollupService }) {
  const prepared = statementCache(db);
  const oldestRaw = db.select({ at: min(toolCalls.timestamp) }).from(toolCalls).prepare();
  const oldestSlot = db.select({ at: min(toolCallRollups.slotStart) }).from(toolCallRollups).prepare();
  // Measured at 1M calls (bench/RESULTS.md "Rollups"): with profile and project in the rollup
  // key, a 15-minute slot barely aggregates, and a 30-day report was slower from rollups than
  // from raw rows. So rollups answer only where raw rows no longer reach — the range starts
  // before the oldest raw call and the rollups hold older slots (retention deleted raw rows) —
  // and raw rows everywhere else, exact percentiles included.
  const sourceFor = (filter: ToolFilter, range: Range): ReportSource => {
    if (filter.session !== undefined || !rollups.isBuilt()) return 'raw';
    const raw = oldestRaw.get()?.at ?? null;
    const rolled = oldestSlot.get()?.at ?? null;
    if (rolled === null) return 'raw';
    return raw === null || (range.from < raw && rolled < slotOf(raw)) ? 'rollup' : 'raw';
  };

  return {
    sessions(filter: ReportFilter): Report<SessionsReportRow> {
      const range = resolveRange(filter, now());
      return envelope(range, sessionsReport(db, prepared, range, filter));
    },

    tools(filter: ToolFilter): Report<ToolsReportRow> & { source: ReportSource } {
      const range = resolveRange(filter, now());
      const source = sourceFor(filter, range);
      const rows = source === 'rollup' ? toolsReportFromRollups(db, prepared, range, filter) : toolsReport(db, prepared, range, filter);
      return { ...envelope(range, rows), source };
    },

    toolsTimeseries(filter: ToolFilter & { interval?: 'hour' | 'day'; tz?: string }): Report<ToolsTimeseriesRow> & { source: ReportSource } {
      const tz = filter.tz ?? 'UTC';
      assertTimeZone(tz);
      const range = resolveRange(filter, now());
      const source = sourceFor(filter, range);
      const full = { ...filter, tz, interval: filter.interval ?? 'day' };
      const rows = source === 'rollup' ? toolsTimeseriesFromRollups(db, prepared, range, full) : toolsTimeseries(db, prepared, range, full);
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
      const range = resolveRange(filter, now());
      return envelope(range, profilesReport(db, prepared, range, filter));
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
