import { Type, type TObject, type TProperties } from '@sinclair/typebox';
import { Nullable, QueryTime, Timestamp, Uuid } from './common.js';

const Rate = (description: string) => Nullable(Type.Number({ minimum: 0, maximum: 1, description: `ratio 0..1, ${description}; null when the denominator is 0` }));
const Num = (description: string) => Nullable(Type.Number({ description }));
const Count = (description: string) => Type.Integer({ minimum: 0, description });
const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  default: 'UTC',
  description: 'IANA time zone for the buckets (local midnight, DST and half-hour offsets included); an unknown zone is a 400',
  example: 'Europe/Berlin',
});

/** The filters every report takes (contract "Reports"). */
export const ReportFilterQuery = {
  from: Type.Optional(QueryTime('start, inclusive; default `to` − 30 days')),
  to: Type.Optional(QueryTime('end, exclusive; default now')),
  profile: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'profile id or name (of the session); an unknown profile gives no rows' })),
  project: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'exact project (of the session)' })),
  session: Type.Optional(Uuid('only this session')),
  format: Type.Optional(
    Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'csv, or json (default); wins over the Accept header (`Accept: text/csv` works too)' }),
  ),
};

const query = (extra: TProperties = {}) => Type.Object({ ...ReportFilterQuery, ...extra }, { additionalProperties: false });

const ToolFilter = Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'exact toolName' }));

export const SessionsReportQuery = query();
export const ToolsReportQuery = query({ tool: ToolFilter });
export const ToolsTimeseriesQuery = query({
  interval: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'day', description: 'bucket size; default day' })),
  tz: Type.Optional(TimeZone),
  tool: ToolFilter,
});
export const ProductivityReportQuery = query({
  groupBy: Type.Optional(
    Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], { default: 'day', description: 'period; weeks start on Monday (ISO); default day' }),
  ),
  tz: Type.Optional(TimeZone),
  eventType: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'exact eventType' })),
});
export const FeaturesReportQuery = query({
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'exact featureCategory' })),
});
export const ProfilesReportQuery = query();

export const SessionsReportRow = Type.Object(
  {
    type: Type.String({ example: 'test' }),
    total: Count('sessions started in the range'),
    active: Count('of them still active'),
    completed: Count('completed'),
    failed: Count('failed'),
    cancelled: Count('cancelled'),
    successRate: Rate('completed / (completed + failed + cancelled)'),
    avgDurationMinutes: Num('mean endedAt − startedAt of the ended sessions, minutes; null when none ended'),
    p95DurationMinutes: Num('nearest-rank 95th percentile of the same durations, minutes'),
    errorCount: Count('sum of errorCount'),
    errorsPerSession: Num('errorCount / total'),
    outputLines: Count('sum of outputLines'),
  },
  { title: 'SessionsReportRow' },
);

/** Issue 9: the tool reports read rollups when they can; only their percentiles differ from raw. */
const PCT = 'exact when source is raw; within 1 % relative of the exact value when source is rollup';
const Source = Type.Union([Type.Literal('rollup'), Type.Literal('raw')], {
  description:
    'where the figures came from. rollup: pre-aggregated rollups — whole UTC days, 6, 3 and 1 hours, half hours and 15-minute slots of the range (with a profile ' +
    'or a project: whole days; with both: 15-minute slots), raw rows for the rest while they are stored; calls, errors, timeouts, rates, averages and ' +
    'max are identical to raw, percentiles within 1 % relative. raw: the raw tool calls, percentiles exact: with a session filter, when a report ' +
    'without a profile or project filter covers at most DEVFLOW_EXACT_REPORT_CALLS calls (default 20,000) all still stored raw, and until the rollups of rows stored before an upgrade are built. Rollups outlive raw rows (retention rollupDays), so ranges whose raw rows retention deleted still answer.',
  example: 'raw',
});

export const ToolsReportRow = Type.Object(
  {
    toolName: Type.String({ example: 'Bash' }),
    calls: Count('tool calls in the range'),
    errors: Count("status 'error'"),
    timeouts: Count("status 'timeout'"),
    errorRate: Rate('errors / calls'),
    timeoutRate: Rate('timeouts / calls'),
    avgDurationMs: Num('mean durationMs'),
    p50DurationMs: Nullable(Type.Integer({ description: `nearest-rank median (${PCT})` })),
    p95DurationMs: Nullable(Type.Integer({ description: `nearest-rank 95th percentile (${PCT})` })),
    p99DurationMs: Nullable(Type.Integer({ description: `nearest-rank 99th percentile (${PCT})` })),
    maxDurationMs: Nullable(Type.Integer()),
  },
  { title: 'ToolsReportRow' },
);

export const ToolsTimeseriesRow = Type.Object(
  {
    bucketStart: Timestamp('UTC instant of the local start of the bucket in tz'),
    toolName: Type.String({ example: 'Bash' }),
    calls: Count('tool calls in the bucket'),
    errors: Count("status 'error'"),
    avgDurationMs: Num('mean durationMs'),
    p95DurationMs: Nullable(Type.Integer({ description: `nearest-rank 95th percentile (${PCT})` })),
  },
  { title: 'ToolsTimeseriesRow' },
);

const productivityFigures = {
  eventCount: Count('events'),
  avgTimeSaved: Num('mean timeSaved, seconds'),
  avgImprovement: Num('mean improvementPercentage of the events that have one, percent'),
  totalTimeSaved: Type.Number({ description: 'sum of timeSaved, seconds' }),
};

export const ProductivityReportRow = Type.Object(
  {
    period: Timestamp('UTC instant of the local start of the period in tz'),
    eventType: Type.String({ example: 'code_generation' }),
    ...productivityFigures,
  },
  { title: 'ProductivityReportRow' },
);

export const FeaturesReportRow = Type.Object(
  {
    featureCategory: Type.String({ example: 'editing' }),
    featureName: Type.String({ example: 'auto-refactor' }),
    usageCount: Count('usages started in the range'),
    uniqueSessions: Count('distinct sessions'),
    successRate: Rate('success true / usages with a known success'),
    avgDurationSeconds: Num('mean completedAt − startedAt of the completed usages, seconds'),
  },
  { title: 'FeaturesReportRow' },
);

export const ProfilesReportRow = Type.Object(
  {
    profileId: Type.Integer({ example: 1 }),
    name: Type.String({ example: 'node-dev' }),
    sessions: Count('sessions started in the range with this profile'),
    successRate: Rate('completed / ended sessions'),
    totalMinutes: Type.Number({ description: 'sum of the ended sessions\' durations, minutes' }),
    errorsPerSession: Num('sum of errorCount / sessions'),
    lastActiveAt: Nullable(Timestamp('latest activity of those sessions')),
  },
  { title: 'ProfilesReportRow' },
);

/** `{ from, to, rows }` (+ extra top-level fields such as totals). */
export function reportEnvelope(title: string, row: TObject, extra: TProperties = {}) {
  return Type.Object(
    {
      from: Timestamp('the range used (inclusive)'),
      to: Timestamp('the range used (exclusive)'),
      rows: Type.Array(row),
      ...extra,
    },
    { title },
  );
}

export const SessionsReport = reportEnvelope('SessionsReport', SessionsReportRow);
export const ToolsReport = reportEnvelope('ToolsReport', ToolsReportRow, { source: Source });
export const ToolsTimeseriesReport = reportEnvelope('ToolsTimeseriesReport', ToolsTimeseriesRow, { source: Source });
export const ProductivityReport = reportEnvelope('ProductivityReport', ProductivityReportRow, {
  totals: Type.Object(productivityFigures, { description: 'over every matching event (not in the CSV)' }),
});
export const FeaturesReport = reportEnvelope('FeaturesReport', FeaturesReportRow);
export const ProfilesReport = reportEnvelope('ProfilesReport', ProfilesReportRow);
