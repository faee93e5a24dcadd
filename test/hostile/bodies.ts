import type { Fixture, KeyRole } from './harness.js';

/** One write route with a body that it accepts: the starting point for bad variants and fuzzing. */
export type WriteRoute = {
  name: string;
  method: 'POST' | 'PUT' | 'PATCH';
  url: string;
  key: KeyRole;
  body: () => Record<string, unknown>;
};

let n = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(n++).toString(36)}`;

export const OTLP_TOOL_RESULT = (sessionId: string) => ({
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
      scopeLogs: [
        {
          logRecords: [
            {
              timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
              body: { stringValue: 'claude_code.tool_result' },
              attributes: [
                { key: 'event.name', value: { stringValue: 'tool_result' } },
                { key: 'session.id', value: { stringValue: sessionId } },
                { key: 'tool_name', value: { stringValue: 'Read' } },
                { key: 'tool_use_id', value: { stringValue: unique('toolu') } },
                { key: 'success', value: { stringValue: 'true' } },
                { key: 'duration_ms', value: { intValue: '12' } },
              ],
            },
          ],
        },
      ],
    },
  ],
});

/** Every route that takes a JSON body, with a valid body (fresh names and ids on each call). */
export function writeRoutes(f: Fixture): WriteRoute[] {
  return [
    { name: 'POST /v1/api-keys', method: 'POST', url: '/v1/api-keys', key: 'admin', body: () => ({ name: unique('key'), role: 'read' }) },
    { name: 'POST /v1/profiles', method: 'POST', url: '/v1/profiles', key: 'admin', body: () => ({ name: unique('p'), description: 'd', config: { autoSave: true } }) },
    { name: 'PATCH /v1/profiles/:id', method: 'PATCH', url: `/v1/profiles/${f.profileId}`, key: 'admin', body: () => ({ description: unique('d') }) },
    { name: 'POST /v1/sessions', method: 'POST', url: '/v1/sessions', key: 'ingest', body: () => ({ type: 'test', project: 'fuzz', profile: f.profileId }) },
    { name: 'PATCH /v1/sessions/:id', method: 'PATCH', url: `/v1/sessions/${f.sessionId}`, key: 'ingest', body: () => ({ outputLines: 3, errorCount: 1 }) },
    {
      name: 'POST /v1/tool-calls',
      method: 'POST',
      url: '/v1/tool-calls',
      key: 'ingest',
      body: () => ({ sessionId: f.sessionId, toolName: 'Read', durationMs: 5, status: 'error', errorType: 'ENOENT', timestamp: Date.now() - 1000 }),
    },
    {
      name: 'POST /v1/productivity-events',
      method: 'POST',
      url: '/v1/productivity-events',
      key: 'ingest',
      body: () => ({ sessionId: f.sessionId, eventType: 'code_generation', traditionalTimeEstimate: 1800, actualTimeTaken: 600, contextData: { lang: 'ts' }, userSatisfaction: 4 }),
    },
    {
      name: 'POST /v1/feature-usage',
      method: 'POST',
      url: '/v1/feature-usage',
      key: 'ingest',
      body: () => ({ sessionId: f.sessionId, featureName: 'refactor', featureCategory: 'editing', startedAt: new Date(Date.now() - 5000).toISOString(), success: true }),
    },
    {
      name: 'PUT /v1/retention/policy',
      method: 'PUT',
      url: '/v1/retention/policy',
      key: 'admin',
      body: () => ({ toolCallsDays: 90, sessionsDays: 365, productivityEventsDays: 365, featureUsageDays: 90, staleSessionHours: 24, schedule: '30 3 * * *', vacuum: 'off' }),
    },
    { name: 'POST /v1/logs', method: 'POST', url: '/v1/logs', key: 'ingest', body: () => OTLP_TOOL_RESULT(f.sessionId) },
    { name: 'POST /v1/metrics', method: 'POST', url: '/v1/metrics', key: 'ingest', body: () => ({ resourceMetrics: [] }) },
  ];
}
