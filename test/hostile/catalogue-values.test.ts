/**
 * Hostile input, part 2: values inside well-formed JSON — huge strings, integers past 2^53,
 * bad numbers, bad and far-future times, unknown properties, bad enums, empty and oversized
 * batches, conflicts. Each is the right 4xx problem and writes nothing.
 */
import { test } from 'node:test';
import { build } from '../helper.js';
import { expectRejected, seed, withRaw, type BadRequest, type Fixture } from './harness.js';

const UNKNOWN = '0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d';
const MAX_BATCH = 50;

function cases(f: Fixture): BadRequest[] {
  const call = { sessionId: f.sessionId, toolName: 'Read', durationMs: 5, status: 'success' };
  const event = { sessionId: f.sessionId, eventType: 'x', traditionalTimeEstimate: 10, actualTimeTaken: 5 };
  const usage = { sessionId: f.sessionId, featureName: 'f', featureCategory: 'c' };
  const policy = { toolCallsDays: 90, sessionsDays: 365, productivityEventsDays: 365, featureUsageDays: 90, staleSessionHours: 24, schedule: '@daily', vacuum: 'off' };
  const tc = { method: 'POST' as const, url: '/v1/tool-calls', key: 'ingest' as const };
  const pe = { method: 'POST' as const, url: '/v1/productivity-events', key: 'ingest' as const };
  const fu = { method: 'POST' as const, url: '/v1/feature-usage', key: 'ingest' as const };
  const patchSession = { method: 'PATCH' as const, url: `/v1/sessions/${f.sessionId}`, key: 'ingest' as const };
  const v = (name: string, rest: Omit<BadRequest, 'name' | 'status' | 'code'>, path?: string): BadRequest => ({
    name,
    ...rest,
    status: 400,
    code: 'VALIDATION_FAILED',
    ...(path ? { path } : {}),
  });
  const future = Date.now() + 25 * 3600_000;

  return [
    // Huge strings.
    v('1 MB toolName', { ...tc, payload: { ...call, toolName: 'x'.repeat(1024 * 1024) } }, '/toolName'),
    v('1 MB errorMessage', { ...fu, payload: { ...usage, errorMessage: 'e'.repeat(1024 * 1024) } }, '/errorMessage'),
    v('contextData over 16 KiB', { ...pe, payload: { ...event, contextData: { blob: 'b'.repeat(17 * 1024) } } }, '/contextData'),
    v('empty toolName', { ...tc, payload: { ...call, toolName: '' } }, '/toolName'),
    v('1 MB profile name', { method: 'POST', url: '/v1/profiles', key: 'admin', payload: { name: 'a'.repeat(1024 * 1024) } }, '/name'),

    // Numbers JSON cannot carry exactly, or that are out of range.
    v('durationMs 9007199254740993', { ...tc, payload: withRaw(call, 'durationMs', '9007199254740993') }, '/durationMs'),
    v('durationMs 2^53', { ...tc, payload: withRaw(call, 'durationMs', '9007199254740992') }, '/durationMs'),
    v('durationMs 1e400 (Infinity)', { ...tc, payload: withRaw(call, 'durationMs', '1e400') }, '/durationMs'),
    v('durationMs -1', { ...tc, payload: { ...call, durationMs: -1 } }, '/durationMs'),
    v('durationMs 1.5', { ...tc, payload: { ...call, durationMs: 1.5 } }, '/durationMs'),
    v('durationMs -0.5', { ...tc, payload: withRaw(call, 'durationMs', '-0.5') }, '/durationMs'),
    v('durationMs "5"', { ...tc, payload: { ...call, durationMs: '5' } }, '/durationMs'),
    v('durationMs true', { ...tc, payload: { ...call, durationMs: true } }, '/durationMs'),
    v('durationMs null', { ...tc, payload: { ...call, durationMs: null } }, '/durationMs'),
    v('exitCode 9007199254740993', { ...patchSession, payload: '{"exitCode":9007199254740993}' }, '/exitCode'),
    v('exitCode -9007199254740993', { ...patchSession, payload: '{"exitCode":-9007199254740993}' }, '/exitCode'),
    v('outputLines 1e20', { ...patchSession, payload: '{"outputLines":1e20}' }, '/outputLines'),
    v('errorCount -1', { ...patchSession, payload: { errorCount: -1 } }, '/errorCount'),
    v('traditionalTimeEstimate 9007199254740993', { ...pe, payload: withRaw(event, 'traditionalTimeEstimate', '9007199254740993') }, '/traditionalTimeEstimate'),
    v('actualTimeTaken 1e308', { ...pe, payload: withRaw(event, 'actualTimeTaken', '1e308') }, '/actualTimeTaken'),
    v('actualTimeTaken -1', { ...pe, payload: { ...event, actualTimeTaken: -1 } }, '/actualTimeTaken'),
    v('userSatisfaction 6', { ...pe, payload: { ...event, userSatisfaction: 6 } }, '/userSatisfaction'),
    v('userSatisfaction 4.5', { ...pe, payload: { ...event, userSatisfaction: 4.5 } }, '/userSatisfaction'),
    v('profile id 2^53+1 on a session', { method: 'POST', url: '/v1/sessions', key: 'ingest', payload: '{"type":"test","profile":9007199254740993}' }),
    v('staleSessionHours 0', { method: 'PUT', url: '/v1/retention/policy', key: 'admin', payload: { ...policy, staleSessionHours: 0 } }, '/staleSessionHours'),
    v('toolCallsDays 1e400', { method: 'PUT', url: '/v1/retention/policy', key: 'admin', payload: withRaw(policy, 'toolCallsDays', '1e400') }, '/toolCallsDays'),

    // Times: offset required, real dates, epoch ms from 2001, not more than 24 h ahead.
    v('timestamp 25 h ahead (ms)', { ...tc, payload: { ...call, timestamp: future } }, '/timestamp'),
    v('timestamp 25 h ahead (string)', { ...tc, payload: { ...call, timestamp: new Date(future).toISOString() } }, '/timestamp'),
    v('timestamp in epoch seconds', { ...tc, payload: { ...call, timestamp: 1_700_000_000 } }, '/timestamp'),
    v('timestamp 2026-02-30', { ...tc, payload: { ...call, timestamp: '2026-02-30T00:00:00Z' } }, '/timestamp'),
    v('timestamp without offset', { ...tc, payload: { ...call, timestamp: '2026-11-23T03:16:21' } }, '/timestamp'),
    v('timestamp as a digit string', { ...tc, payload: { ...call, timestamp: '1700000000000' } }, '/timestamp'),
    v('timestamp 1e3', { ...tc, payload: withRaw(call, 'timestamp', '1e3') }, '/timestamp'),
    v('timestamp fractional ms', { ...tc, payload: withRaw(call, 'timestamp', '1700000000000.5') }, '/timestamp'),
    v('timestamp hour 24', { ...tc, payload: { ...call, timestamp: '2026-01-01T24:00:00Z' } }, '/timestamp'),
    v('timestamp offset +25:00', { ...tc, payload: { ...call, timestamp: '2026-01-01T00:00:00+25:00' } }, '/timestamp'),
    v('timestamp year 0099', { ...tc, payload: { ...call, timestamp: '0099-01-01T00:00:00Z' } }, '/timestamp'),
    v('timestamp garbage', { ...tc, payload: { ...call, timestamp: 'yesterday' } }, '/timestamp'),
    v('session startedAt 25 h ahead', { method: 'POST', url: '/v1/sessions', key: 'ingest', payload: { type: 'test', startedAt: future } }, '/startedAt'),
    v('feature startedAt 2026-11-31', { ...fu, payload: { ...usage, startedAt: '2026-11-31T00:00:00Z' } }, '/startedAt'),
    v('session endedAt without offset', { ...patchSession, payload: { status: 'completed', endedAt: '2026-11-23 03:16:21' } }, '/endedAt'),
    v('productivity createdAt epoch seconds', { ...pe, payload: { ...event, createdAt: 1_700_000_000 } }, '/createdAt'),
    v('api key expiresAt not a real date', { method: 'POST', url: '/v1/api-keys', key: 'admin', payload: { name: 'k', role: 'read', expiresAt: '2027-02-30T00:00:00Z' } }, '/expiresAt'),
    v('api key expiresAt in the past', { method: 'POST', url: '/v1/api-keys', key: 'admin', payload: { name: 'k', role: 'read', expiresAt: '2020-01-01T00:00:00Z' } }, '/expiresAt'),

    // Unknown properties are refused, not dropped; computed fields cannot be sent.
    v('unknown property on a tool call', { ...tc, payload: { ...call, foo: 1 } }, '/foo'),
    v('timeSaved on a productivity event', { ...pe, payload: { ...event, timeSaved: 5 } }, '/timeSaved'),
    v('status on session create', { method: 'POST', url: '/v1/sessions', key: 'ingest', payload: { type: 'test', status: 'completed' } }, '/status'),
    v('durationMs on session PATCH', { ...patchSession, payload: { durationMs: 5 } }, '/durationMs'),
    v('unknown config key on a profile', { method: 'POST', url: '/v1/profiles', key: 'admin', payload: { name: 'cfg-x', config: { turbo: true } } }, '/config/turbo'),
    v('unknown key in the retention policy', { method: 'PUT', url: '/v1/retention/policy', key: 'admin', payload: { ...policy, extra: 1 } }, '/extra'),
    v('unknown key beside items', { ...tc, payload: { items: [call], partial: true } }, '/partial'),
    v('id on PATCH profile', { method: 'PATCH', url: `/v1/profiles/${f.profileName}`, key: 'admin', payload: { id: 99 } }, '/id'),
    v('unknown key on an api key', { method: 'POST', url: '/v1/api-keys', key: 'admin', payload: { name: 'k', role: 'read', key: 'dfa_mine' } }, '/key'),
    v('empty PATCH session body', { ...patchSession, payload: {} }),
    v('empty PATCH profile config', { method: 'PATCH', url: `/v1/profiles/${f.profileName}`, key: 'admin', payload: { config: {} } }),
    v('missing fields in the retention policy', { method: 'PUT', url: '/v1/retention/policy', key: 'admin', payload: { vacuum: 'off' } }),

    // Enums and patterns.
    v('tool call status SUCCESS', { ...tc, payload: { ...call, status: 'SUCCESS' } }, '/status'),
    v('session type bogus', { method: 'POST', url: '/v1/sessions', key: 'ingest', payload: { type: 'bogus' } }, '/type'),
    v('session status done', { ...patchSession, payload: { status: 'done' } }, '/status'),
    v('api key role root', { method: 'POST', url: '/v1/api-keys', key: 'admin', payload: { name: 'k', role: 'root' } }, '/role'),
    v('vacuum sometimes', { method: 'PUT', url: '/v1/retention/policy', key: 'admin', payload: { ...policy, vacuum: 'sometimes' } }, '/vacuum'),
    v('schedule not cron', { method: 'PUT', url: '/v1/retention/policy', key: 'admin', payload: { ...policy, schedule: 'every tuesday' } }, '/schedule'),
    v('profile name with capitals', { method: 'POST', url: '/v1/profiles', key: 'admin', payload: { name: 'Node-Dev' } }, '/name'),
    v('profile name all digits', { method: 'POST', url: '/v1/profiles', key: 'admin', payload: { name: '1234' } }, '/name'),
    v('profile rename to ../etc', { method: 'PATCH', url: `/v1/profiles/${f.profileName}`, key: 'admin', payload: { name: '../etc' } }, '/name'),
    v('sessionId with urn:uuid: prefix', { ...tc, payload: { ...call, sessionId: `urn:uuid:${f.sessionId}` } }, '/sessionId'),
    v('sessionId in braces', { ...tc, payload: { ...call, sessionId: `{${f.sessionId}}` } }, '/sessionId'),
    v('tool call id not a UUID', { ...tc, payload: { ...call, id: "1'; DROP TABLE tool_calls; --" } }, '/id'),

    // Batches: 1..maxBatch items, every item valid, all or nothing.
    v('empty items', { ...tc, payload: { items: [] } }, '/items'),
    v('maxBatch + 1 items', { ...tc, payload: { items: Array.from({ length: MAX_BATCH + 1 }, () => call) } }, '/items'),
    v('items not an array', { ...tc, payload: { items: { 0: call } } }, '/items'),
    v('one bad item among good ones', { ...tc, payload: { items: [call, call, { ...call, durationMs: -5 }] } }, '/items/2/durationMs'),
    v('empty items of productivity events', { ...pe, payload: { items: [] } }, '/items'),
    v('maxBatch + 1 feature usage items', { ...fu, payload: { items: Array.from({ length: MAX_BATCH + 1 }, () => usage) } }, '/items'),
    v('null item in a batch', { ...fu, payload: { items: [usage, null] } }, '/items/1'),
    { name: 'unknown session in a batch', ...tc, payload: { items: [call, { ...call, sessionId: UNKNOWN }] }, status: 422, code: 'UNKNOWN_SESSION' },
    { name: 'unknown session on a feature usage', ...fu, payload: { ...usage, sessionId: UNKNOWN }, status: 422, code: 'UNKNOWN_SESSION' },

    // Conflicts and impossible states: still nothing written.
    { name: 'completedAt before startedAt', ...fu, payload: { ...usage, startedAt: '2026-01-02T00:00:00Z', completedAt: '2026-01-01T00:00:00Z' }, status: 422, code: 'INVALID_TIME_RANGE' },
    { name: 'endedAt before startedAt', ...patchSession, payload: { status: 'failed', endedAt: '2001-01-02T00:00:00Z' }, status: 422, code: 'INVALID_TIME_RANGE' },
    { name: 'PATCH an ended session', method: 'PATCH', url: `/v1/sessions/${f.endedSessionId}`, key: 'ingest', payload: { outputLines: 9 }, status: 409, code: 'SESSION_ENDED' },
    { name: 'profile name taken', method: 'POST', url: '/v1/profiles', key: 'admin', payload: { name: f.profileName }, status: 409, code: 'PROFILE_NAME_TAKEN' },
    { name: 'delete a profile with sessions', method: 'DELETE', url: `/v1/profiles/${f.profileName}`, key: 'admin', status: 409, code: 'PROFILE_HAS_SESSIONS' },
    { name: 'session on an unknown profile', method: 'POST', url: '/v1/sessions', key: 'ingest', payload: { type: 'test', profile: 'no-such-profile' }, status: 422, code: 'UNKNOWN_PROFILE' },
  ];
}

test('hostile requests: values, numbers, times, unknown properties, enums, batches', async (t) => {
  const app = await build(t, { maxBatch: MAX_BATCH });
  const fixture = await seed(app);
  const list = cases(fixture);
  for (const c of list) await t.test(c.name, () => expectRejected(app, c));
});
