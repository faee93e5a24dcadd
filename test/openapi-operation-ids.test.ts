import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from './helper.js';

/**
 * Generated clients name their methods and types after operationId, so the ids are part of
 * the contract: every operation has one, they are unique, and renaming one is a deliberate
 * change of this list (and of clients/typescript, whose drift check sees it too).
 */
const EXPECTED: Record<string, string> = {
  'get /healthz': 'getHealth',
  'get /readyz': 'getReadiness',
  'post /v1/api-keys': 'createApiKey',
  'get /v1/api-keys': 'listApiKeys',
  'delete /v1/api-keys/{id}': 'revokeApiKey',
  'post /v1/profiles': 'createProfile',
  'get /v1/profiles': 'listProfiles',
  'get /v1/profiles/{idOrName}': 'getProfile',
  'patch /v1/profiles/{idOrName}': 'updateProfile',
  'delete /v1/profiles/{idOrName}': 'deleteProfile',
  'get /v1/profiles/{idOrName}/audit': 'listProfileAudit',
  'post /v1/sessions': 'createSession',
  'get /v1/sessions': 'listSessions',
  'get /v1/sessions/{id}': 'getSession',
  'patch /v1/sessions/{id}': 'updateSession',
  'delete /v1/sessions/{id}': 'deleteSession',
  'post /v1/tool-calls': 'ingestToolCalls',
  'get /v1/tool-calls': 'listToolCalls',
  'get /v1/tool-calls/export': 'exportToolCalls',
  'post /v1/productivity-events': 'ingestProductivityEvents',
  'get /v1/productivity-events': 'listProductivityEvents',
  'post /v1/feature-usage': 'ingestFeatureUsage',
  'get /v1/feature-usage': 'listFeatureUsage',
  'post /v1/logs': 'ingestOtlpLogs',
  'post /v1/metrics': 'ingestOtlpMetrics',
  'get /v1/reports/sessions': 'getSessionsReport',
  'get /v1/reports/tools': 'getToolsReport',
  'get /v1/reports/tools/timeseries': 'getToolsTimeseriesReport',
  'get /v1/reports/productivity': 'getProductivityReport',
  'get /v1/reports/features': 'getFeaturesReport',
  'get /v1/reports/profiles': 'getProfilesReport',
  'get /v1/stats': 'getStats',
  'get /v1/retention/policy': 'getRetentionPolicy',
  'put /v1/retention/policy': 'replaceRetentionPolicy',
  'post /v1/retention/run': 'runRetention',
  'get /v1/retention/runs': 'listRetentionRuns',
  'get /v1/setup/claude-code': 'getClaudeCodeSetup',
};

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

test('every operation the server documents has a unique camelCase operationId, the one clients are built on', async (t) => {
  const app = await build(t);
  const doc = app.swagger() as { paths: Record<string, Record<string, { operationId?: string }>> };
  const found: Record<string, string> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      assert.ok(op.operationId, `${method.toUpperCase()} ${path} has no operationId`);
      assert.match(op.operationId, /^[a-z][A-Za-z0-9]+$/, `${method.toUpperCase()} ${path}`);
      found[`${method} ${path}`] = op.operationId;
    }
  }
  const ids = Object.values(found);
  assert.equal(new Set(ids).size, ids.length, `duplicate operationIds: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(', ')}`);
  assert.deepEqual(found, EXPECTED);
});
