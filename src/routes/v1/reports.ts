import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSV_CONTENT_TYPE, toCsv } from '../../lib/csv.js';
import { toMillisOrUndefined } from '../../lib/time.js';
import {
  FeaturesReport,
  FeaturesReportQuery,
  ProductivityReport,
  ProductivityReportQuery,
  ProfilesReport,
  ProfilesReportQuery,
  SessionsReport,
  SessionsReportQuery,
  ToolsReport,
  ToolsReportQuery,
  ToolsTimeseriesQuery,
  ToolsTimeseriesReport,
} from '../../schemas/reports.js';
import { REPORT_FIELDS } from '../../services/reports.js';

const TAGS = ['reports'];

/** `?format=` wins; otherwise CSV when the Accept header ranks text/csv at least as high as JSON. */
export function wantsCsv(format: 'json' | 'csv' | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv';
  if (!accept) return false;
  let csv = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) || 0 : 1;
    if (range.trim() === 'text/csv') csv = Math.max(csv, q);
    else if (range.trim() === 'application/json') json = Math.max(json, q);
  }
  return csv > 0 && csv >= json;
}

/** 200: the JSON report, or the same rows as CSV (header row = the JSON field names). */
const responses = (json: TSchema, fields: readonly string[]) => ({
  200: {
    description: 'the report',
    content: {
      'application/json': { schema: json },
      'text/csv': { schema: { type: 'string', description: `CSV with the header row ${fields.join(',')}; text cells starting with = + - @ tab or CR are prefixed with '` } },
    },
  },
});

type Filters = { from?: string; to?: string; format?: 'json' | 'csv' };

function filterOf<Q extends Filters>(query: Q): Omit<Q, 'from' | 'to' | 'format'> & { from?: number; to?: number } {
  const { from, to, format: _format, ...rest } = query;
  return { ...rest, from: toMillisOrUndefined(from), to: toMillisOrUndefined(to) };
}

function send(request: FastifyRequest, reply: FastifyReply, fields: readonly string[], report: { rows: object[] }) {
  const { format } = request.query as Filters;
  if (!wantsCsv(format, request.headers.accept)) return report;
  return reply.type(CSV_CONTENT_TYPE).send(toCsv(fields as string[], report.rows as Array<Record<string, unknown>>));
}

const CSV_NOTE = ' JSON `{ from, to, rows }`, or CSV with `Accept: text/csv` or `?format=csv`. `from` defaults to `to` − 30 days, `to` to now.';

const sessionsReportRoute: FastifyPluginAsyncTypebox = async function sessionsReportRoute(app) {
  const reports = app.services.reports;

  app.get(
    '/reports/sessions',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'getSessionsReport',
        summary: 'Sessions per type: counts by status, success rate, durations, errors',
        description: `Sessions started in [from, to), one row per type that has any, ordered by type.${CSV_NOTE}`,
        querystring: SessionsReportQuery,
        response: responses(SessionsReport, REPORT_FIELDS.sessions),
      },
    },
    async function sessionsReport(request, reply) {
      return send(request, reply, REPORT_FIELDS.sessions, await reports.sessions(filterOf(request.query)));
    },
  );
};

const toolsReportRoute: FastifyPluginAsyncTypebox = async function toolsReportRoute(app) {
  const reports = app.services.reports;

  app.get(
    '/reports/tools',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'getToolsReport',
        summary: 'Tool calls per tool: errors, timeouts, rates and exact latency percentiles',
        description:
          `Tool calls with timestamp in [from, to), ordered by calls descending then toolName. Percentiles are nearest-rank ` +
          `(rank ⌈p/100 × n⌉ of the sorted durations): exact when source is raw, within 1 % when it is rollup. ` +
          `errors counts status error, timeouts status timeout.${CSV_NOTE}`,
        querystring: ToolsReportQuery,
        response: responses(ToolsReport, REPORT_FIELDS.tools),
      },
    },
    async function toolsReport(request, reply) {
      return send(request, reply, REPORT_FIELDS.tools, await reports.tools(filterOf(request.query)));
    },
  );
};

const toolsTimeseriesReportRoute: FastifyPluginAsyncTypebox = async function toolsTimeseriesReportRoute(app) {
  const reports = app.services.reports;

  app.get(
    '/reports/tools/timeseries',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'getToolsTimeseriesReport',
        summary: 'Tool calls per local hour or day and tool',
        description:
          'bucketStart is the UTC instant of the local start of the bucket in `tz`. An hour is a wall-clock hour of one UTC offset (the repeated ' +
          `hour of a fall-back night is two buckets). Only buckets with calls are listed, ordered by bucketStart then toolName.${CSV_NOTE}`,
        querystring: ToolsTimeseriesQuery,
        response: responses(ToolsTimeseriesReport, REPORT_FIELDS.toolsTimeseries),
      },
    },
    async function toolsTimeseries(request, reply) {
      return send(request, reply, REPORT_FIELDS.toolsTimeseries, await reports.toolsTimeseries(filterOf(request.query)));
    },
  );
};

const productivityReportRoute: FastifyPluginAsyncTypebox = async function productivityReportRoute(app) {
  const reports = app.services.reports;

  app.get(
    '/reports/productivity',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'getProductivityReport',
        summary: 'Time saved per local day, ISO week or month and event type, with totals',
        description:
          'The productivity_summary figures per period in `tz` (weeks start on Monday). period is the UTC instant of the local start of the period. ' +
          `Times are in seconds, avgImprovement in percent. totals (JSON only) cover every matching event.${CSV_NOTE}`,
        querystring: ProductivityReportQuery,
        response: responses(ProductivityReport, REPORT_FIELDS.productivity),
      },
    },
    async function productivityReport(request, reply) {
      return send(request, reply, REPORT_FIELDS.productivity, await reports.productivity(filterOf(request.query)));
    },
  );
};

const featuresReportRoute: FastifyPluginAsyncTypebox = async function featuresReportRoute(app) {
  const reports = app.services.reports;

  app.get(
    '/reports/features',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'getFeaturesReport',
        summary: 'Feature adoption: usage, unique sessions, success rate, duration',
        description: `Feature usage started in [from, to), ordered by usageCount descending, then category and name.${CSV_NOTE}`,
        querystring: FeaturesReportQuery,
        response: responses(FeaturesReport, REPORT_FIELDS.features),
      },
    },
    async function featuresReport(request, reply) {
      return send(request, reply, REPORT_FIELDS.features, await reports.features(filterOf(request.query)));
    },
  );
};

const profilesReportRoute: FastifyPluginAsyncTypebox = async function profilesReportRoute(app) {
  const reports = app.services.reports;

  app.get(
    '/reports/profiles',
    {
      config: { access: 'read' },
      schema: {
        tags: TAGS,
        operationId: 'getProfilesReport',
        summary: 'Profile effectiveness: sessions, success rate, time, errors',
        description: `Profiles with at least one session started in [from, to), by sessions descending then name.${CSV_NOTE}`,
        querystring: ProfilesReportQuery,
        response: responses(ProfilesReport, REPORT_FIELDS.profiles),
      },
    },
    async function profilesReport(request, reply) {
      return send(request, reply, REPORT_FIELDS.profiles, await reports.profiles(filterOf(request.query)));
    },
  );
};

/**
 * Contract "Reports" (read role). Registered in this order because the OpenAPI document lists
 * the routes as they are registered.
 */
const reportRoutes: FastifyPluginAsyncTypebox = async function reportRoutes(app) {
  await app.register(sessionsReportRoute);
  await app.register(toolsReportRoute);
  await app.register(toolsTimeseriesReportRoute);
  await app.register(productivityReportRoute);
  await app.register(featuresReportRoute);
  await app.register(profilesReportRoute);
};

export default reportRoutes;
