/**
 * Hostile input, part 3: query strings — limits, cursors (garbage, wrong shape, from another
 * list), enums, time zones, times, unknown parameters, and query flags on write routes. Each
 * is a 400 problem and writes nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auth, build } from '../helper.js';
import { expectRejected, seed, type BadRequest } from './harness.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const LISTS: Array<[string, 'read' | 'admin']> = [
  ['/v1/sessions', 'read'],
  ['/v1/tool-calls', 'read'],
  ['/v1/productivity-events', 'read'],
  ['/v1/feature-usage', 'read'],
  ['/v1/profiles', 'read'],
  ['/v1/api-keys', 'admin'],
  ['/v1/retention/runs', 'admin'],
];

function cases(foreignCursor: string, profileName: string, sessionId: string): BadRequest[] {
  const list: BadRequest[] = [];
  const q = (name: string, url: string, key: 'read' | 'admin' | 'ingest' = 'read'): BadRequest => ({ name, method: 'GET', url, key, status: 400, code: 'VALIDATION_FAILED' });

  for (const [url, key] of LISTS) {
    for (const limit of ['0', '501', '-1', 'abc', '1.5', '', '1e2x', '9007199254740993']) list.push(q(`${url} limit=${limit}`, `${url}?limit=${limit}`, key));
    for (const [what, cursor] of [
      ['garbage', '!!!not-a-cursor!!!'],
      ['base64 of an object', b64({ a: 1 })],
      ['base64 of a wrong-shaped array', b64([true, null, 3])],
      ['base64 of not JSON', Buffer.from('nope').toString('base64url')],
      ['too long', 'A'.repeat(600)],
      ['with SQL', encodeURIComponent("x' OR 1=1 --")],
    ] as const) {
      list.push(q(`${url} cursor ${what}`, `${url}?cursor=${cursor}`, key));
    }
  }
  // A cursor of the profiles list (by name) is not a cursor of the sessions list, and back.
  list.push(q('sessions with a profiles cursor', `/v1/sessions?cursor=${foreignCursor}`));
  list.push(q('profiles with a sessions cursor', `/v1/profiles?cursor=${b64([Date.now(), sessionId])}`));
  list.push(q('retention runs with a sessions cursor', `/v1/retention/runs?cursor=${b64([Date.now(), sessionId])}`, 'admin'));
  list.push(q('audit with a name cursor', `/v1/profiles/${profileName}/audit?cursor=${foreignCursor}`));
  list.push(q('tool-calls cursor with a 2^53 time', `/v1/tool-calls?cursor=${Buffer.from(`[9007199254740993,"${sessionId}"]`).toString('base64url')}`));

  // Enums and flags.
  list.push(
    q('tool-calls status=bogus', '/v1/tool-calls?status=bogus'),
    q('sessions type=bogus', '/v1/sessions?type=bogus'),
    q('sessions status=ACTIVE', '/v1/sessions?status=ACTIVE'),
    q('profiles enabled=maybe', '/v1/profiles?enabled=maybe'),
    q('export format=xml', '/v1/tool-calls/export?format=xml'),
    q('timeseries interval=minute', '/v1/reports/tools/timeseries?interval=minute'),
    q('productivity groupBy=year', '/v1/reports/productivity?groupBy=year'),
    q('report format=xlsx', '/v1/reports/tools?format=xlsx'),
    q('tool-calls session not a UUID', '/v1/tool-calls?session=..%2F..%2Fetc'),
    q('sessions unknown parameter', '/v1/sessions?sort=id;DROP%20TABLE%20sessions'),
    q('reports unknown parameter', '/v1/reports/sessions?groupBy=day'),
  );
  // Time zones.
  for (const tz of ['Mars/Olympus_Mons', 'UTC+5', '../../etc/localtime', '', 'x'.repeat(65), 'Europe/Berlin%00']) {
    list.push(q(`timeseries tz=${tz.slice(0, 20)}`, `/v1/reports/tools/timeseries?tz=${tz}`));
  }
  list.push(q('productivity tz=Not/AZone', '/v1/reports/productivity?tz=Not/AZone'));
  // Query times.
  for (const from of ['yesterday', '2026-02-30T00:00:00Z', '2026-11-23T03:16:21', '1700000000', '1e12', '99999999999999999']) {
    list.push(q(`tool-calls from=${from}`, `/v1/tool-calls?from=${encodeURIComponent(from)}`));
  }
  list.push(q('report to 25 h ahead', `/v1/reports/tools?to=${Date.now() + 25 * 3600_000}`));

  // Query flags on write routes: refused before anything is written.
  const call = { sessionId, toolName: 'Read', durationMs: 1, status: 'success' };
  list.push(
    { name: 'tool-calls partial=maybe', method: 'POST', url: '/v1/tool-calls?partial=maybe', key: 'ingest', payload: call, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'tool-calls unknown query', method: 'POST', url: '/v1/tool-calls?dryRun=true', key: 'ingest', payload: call, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'retention run dryRun=maybe', method: 'POST', url: '/v1/retention/run?dryRun=maybe', key: 'admin', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'retention run unknown query', method: 'POST', url: '/v1/retention/run?force=1', key: 'admin', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'retention run with a text body', method: 'POST', url: '/v1/retention/run', key: 'admin', payload: 'go', headers: { 'content-type': 'text/plain' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    // A body would be ignored: {"dryRun": true} there must not start a real run.
    { name: 'retention run with {"dryRun":true} as a body', method: 'POST', url: '/v1/retention/run', key: 'admin', payload: { dryRun: true }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'retention run with an array body', method: 'POST', url: '/v1/retention/run?dryRun=true', key: 'admin', payload: '[]', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'retention run by ingest', method: 'POST', url: '/v1/retention/run', key: 'ingest', status: 403, code: 'FORBIDDEN' },
    { name: 'delete profile cascade=maybe', method: 'DELETE', url: `/v1/profiles/${profileName}?cascade=maybe`, key: 'admin', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'delete profile cascade=1;DROP', method: 'DELETE', url: `/v1/profiles/${profileName}?cascade=1%3BDROP`, key: 'admin', status: 400, code: 'VALIDATION_FAILED' },
  );
  return list;
}

test('hostile requests: limits, cursors, enums, time zones, query times, write-route flags', async (t) => {
  const app = await build(t);
  const fixture = await seed(app);
  await app.inject({ method: 'POST', url: '/v1/profiles', headers: auth(app.keys.admin), payload: { name: 'zz-second' } });
  const profiles = await app.inject({ method: 'GET', url: '/v1/profiles?limit=1', headers: auth(app.keys.read) });
  const foreign = (profiles.json() as { nextCursor: string | null }).nextCursor;
  assert.ok(foreign, 'a profiles cursor to misuse');
  const list = cases(foreign, fixture.profileName, fixture.sessionId);
  for (const c of list) await t.test(c.name, () => expectRejected(app, c));
});
