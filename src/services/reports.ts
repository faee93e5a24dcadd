import type { ReportScope, ReportSource, TimeBucket } from '../db/store.js';
import { invalid } from '../lib/app-error.js';
import { canonicalUuid } from '../lib/ids.js';
import { buckets, isValidTimeZone, type BucketUnit } from '../lib/time-buckets.js';
import { iso, isoOrNull } from '../lib/time.js';
import type { ServiceDeps } from './deps.js';
import { profileRef } from './profiles.js';

export type { ReportSource } from '../db/store.js';

/** What every report takes (contract "Reports"); times already in epoch ms. */
export type ReportFilter = { from?: number; to?: number; profile?: string; project?: string; session?: string };
export type ToolFilter = ReportFilter & { tool?: string };
type Range = { from: number; to: number };
type Report<Row> = { from: string; to: string; rows: Row[] };
type ProductivityFigures = { eventCount: number; avgTimeSaved: number | null; avgImprovement: number | null; totalTimeSaved: number };
export type ProductivityReportRow = { period: string; eventType: string } & ProductivityFigures;

export const DEFAULT_RANGE_MS = 30 * 86_400_000;
/** Most buckets one time series may have (an hourly series of ~5.7 years). */
export const MAX_BUCKETS = 50_000;

/** The column order of each report's rows: the JSON field order and the CSV header. */
export const REPORT_FIELDS = {
  sessions: ['type', 'total', 'active', 'completed', 'failed', 'cancelled', 'successRate', 'avgDurationMinutes', 'p95DurationMinutes', 'errorCount', 'errorsPerSession', 'outputLines'],
  tools: ['toolName', 'calls', 'errors', 'timeouts', 'errorRate', 'timeoutRate', 'avgDurationMs', 'p50DurationMs', 'p95DurationMs', 'p99DurationMs', 'maxDurationMs'],
  toolsTimeseries: ['bucketStart', 'toolName', 'calls', 'errors', 'avgDurationMs', 'p95DurationMs'],
  productivity: ['period', 'eventType', 'eventCount', 'avgTimeSaved', 'avgImprovement', 'totalTimeSaved'],
  features: ['featureCategory', 'featureName', 'usageCount', 'uniqueSessions', 'successRate', 'avgDurationSeconds'],
  profiles: ['profileId', 'name', 'sessions', 'successRate', 'totalMinutes', 'errorsPerSession', 'lastActiveAt'],
} as const;

/** `to` defaults to now and `from` to `to` − 30 days; `from` after `to` is a 400. */
export function resolveRange(filter: ReportFilter, now: number): Range {
  const to = filter.to ?? now;
  const from = filter.from ?? to - DEFAULT_RANGE_MS;
  if (from > to) throw invalid('from must not be after to', [{ path: '/from', message: 'must not be after to' }]);
  return { from, to };
}

export function assertTimeZone(tz: string): void {
  if (!isValidTimeZone(tz)) throw invalid(`tz ${tz} is not a known IANA time zone`, [{ path: '/tz', message: 'must be an IANA time zone such as Europe/Berlin' }]);
}

/** The local buckets of the range (at most MAX_BUCKETS, else a 400). */
export function bucketsOf(tz: string, unit: BucketUnit, range: Range): TimeBucket[] {
  try {
    return buckets(tz, unit, range.from, range.to, MAX_BUCKETS);
  } catch (err) {
    if (err instanceof RangeError) {
      throw invalid(`the range has more than ${MAX_BUCKETS} buckets; narrow from/to or use a larger interval`, [{ path: '/from', message: 'range too long for this interval' }]);
    }
    /* c8 ignore next */
    throw err;
  }
}

const envelope = <Row>(range: Range, rows: Row[]): Report<Row> => ({ from: iso(range.from), to: iso(range.to), rows });

/**
 * Contract "Reports": every report over [from, to) (default the last 30 days), narrowed by
 * profile, project or session (an unknown profile matches nothing). The tool reports say
 * where their figures came from in `source`.
 */
export function createReportService({ store, now }: ServiceDeps) {
  const reports = store.reports;

  /** The range and the session-level scope; null when the profile is unknown (nothing matches). */
  async function scopeOf(filter: ReportFilter): Promise<{ range: Range; scope: ReportScope | null }> {
    const range = resolveRange(filter, now());
    const scope: ReportScope = { ...range, project: filter.project, session: filter.session === undefined ? undefined : canonicalUuid(filter.session) };
    if (filter.profile !== undefined) {
      const ref = profileRef(filter.profile);
      const profile = ref ? await store.profiles.find(ref) : undefined;
      if (!profile) return { range, scope: null };
      scope.profileId = profile.id;
    }
    return { range, scope };
  }

  return {
    async sessions(filter: ReportFilter) {
      const { range, scope } = await scopeOf(filter);
      return envelope(range, scope ? await reports.sessions(scope) : []);
    },

    async tools(filter: ToolFilter) {
      const { range, scope } = await scopeOf(filter);
      const { rows, source } = scope ? await reports.tools({ ...scope, tool: filter.tool }) : { rows: [], source: 'raw' as ReportSource };
      return { ...envelope(range, rows), source };
    },

    async toolsTimeseries(filter: ToolFilter & { interval?: 'hour' | 'day'; tz?: string }) {
      const tz = filter.tz ?? 'UTC';
      assertTimeZone(tz);
      const { range, scope } = await scopeOf(filter);
      const list = range.from === range.to ? [] : bucketsOf(tz, filter.interval ?? 'day', range);
      const { rows, source } = scope ? await reports.toolsTimeseries({ ...scope, tool: filter.tool, buckets: list }) : { rows: [], source: 'raw' as ReportSource };
      return { ...envelope(range, rows.map(({ bucket, ...r }) => ({ bucketStart: iso(bucket), ...r }))), source };
    },

    async productivity(filter: ReportFilter & { groupBy?: 'day' | 'week' | 'month'; tz?: string; eventType?: string }) {
      const tz = filter.tz ?? 'UTC';
      assertTimeZone(tz);
      const { range, scope } = await scopeOf(filter);
      const list = range.from === range.to ? [] : bucketsOf(tz, filter.groupBy ?? 'day', range);
      const cells = scope ? await reports.productivity({ ...scope, eventType: filter.eventType, buckets: list }) : [];
      let eventCount = 0;
      let totalTimeSaved = 0;
      let improvementSum = 0;
      let improvementCount = 0;
      const rows: ProductivityReportRow[] = cells.map((c) => {
        eventCount += c.count;
        totalTimeSaved += c.timeSaved;
        improvementSum += c.improvementSum;
        improvementCount += c.improvementCount;
        return {
          period: iso(c.bucket),
          eventType: c.eventType,
          eventCount: c.count,
          avgTimeSaved: c.timeSaved / c.count,
          avgImprovement: c.improvementCount === 0 ? null : c.improvementSum / c.improvementCount,
          totalTimeSaved: c.timeSaved,
        };
      });
      const totals: ProductivityFigures =
        eventCount === 0
          ? { eventCount: 0, avgTimeSaved: null, avgImprovement: null, totalTimeSaved: 0 }
          : { eventCount, avgTimeSaved: totalTimeSaved / eventCount, avgImprovement: improvementCount === 0 ? null : improvementSum / improvementCount, totalTimeSaved };
      return { ...envelope(range, rows), totals };
    },

    async features(filter: ReportFilter & { category?: string }) {
      const { range, scope } = await scopeOf(filter);
      return envelope(range, scope ? await reports.features({ ...scope, category: filter.category }) : []);
    },

    async profiles(filter: ReportFilter) {
      const { range, scope } = await scopeOf(filter);
      const rows = scope ? await reports.profiles(scope) : [];
      return envelope(range, rows.map((r) => ({ ...r, lastActiveAt: isoOrNull(r.lastActiveAt) })));
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
