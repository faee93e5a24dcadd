import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listFeatureUsage, listProductivityEvents } from '../../../src/db/pg/telemetry-reads.js';
import { freshPgContext } from '../../support/pg.js';

const S1 = '01900000-0000-7000-8000-000000000001';
const S2 = '01900000-0000-7000-8000-000000000002';
function at<T>(rows: T[], i: number): T {
  const row = rows[i];
  assert.ok(row !== undefined, `row ${i}`);
  return row;
}
const id = (n: number): string => `01900000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

test('productivity events: newest first, id desc on equal times, keyset pages, filters', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  await ctx.pool.query(`insert into sessions (id, type, started_at, updated_at, last_activity_at) values ($1, 'agent', 0, 0, 0), ($2, 'agent', 0, 0, 0)`, [S1, S2]);
  // Ten events, three per timestamp, alternating sessions and types.
  for (let n = 1; n <= 10; n++) {
    await ctx.pool.query(
      `insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, created_at) values ($1, $2, $3, 10, 4, 6, $4)`,
      [id(n), n % 2 ? S1 : S2, n % 3 ? 'refactor' : 'debug', 1_700_000_000_000 + Math.floor(n / 3) * 1000],
    );
  }
  const all = await listProductivityEvents(ctx, { limit: 100 });
  const expected = [...Array(10).keys()].map((i) => i + 1).sort((a, b) => Math.floor(b / 3) - Math.floor(a / 3) || b - a).map(id);
  assert.deepEqual(all.map((r) => r.id), expected);
  assert.equal(at(all, 0).timeSaved, 6);
  assert.equal(typeof at(all, 0).createdAt, 'number');
  // Pages of three across equal timestamps give the same sequence, no gap, no repeat.
  const paged: string[] = [];
  let after: [number, string] | undefined;
  for (;;) {
    const page = await listProductivityEvents(ctx, { limit: 3, after });
    if (page.length === 0) break;
    paged.push(...page.map((r) => r.id));
    const last = at(page, page.length - 1);
    after = [last.createdAt, last.id];
  }
  assert.deepEqual(paged, expected);
  const s2Debug = await listProductivityEvents(ctx, { limit: 100, session: S2, eventType: 'debug' });
  assert.deepEqual(s2Debug.map((r) => r.id), [id(6)]);
  const ranged = await listProductivityEvents(ctx, { limit: 100, from: 1_700_000_001_000, to: 1_700_000_002_000 });
  assert.deepEqual(ranged.map((r) => r.id), [id(5), id(4), id(3)]);
});

test('feature usage: newest first on started_at, filters by session and feature', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  await ctx.pool.query(`insert into sessions (id, type, started_at, updated_at, last_activity_at) values ($1, 'agent', 0, 0, 0), ($2, 'agent', 0, 0, 0)`, [S1, S2]);
  for (let n = 1; n <= 4; n++) {
    await ctx.pool.query(
      `insert into feature_usage (id, session_id, feature_name, feature_category, started_at, success) values ($1, $2, $3, 'core', $4, $5)`,
      [id(n), n <= 2 ? S1 : S2, n % 2 ? 'search' : 'lint', 1_700_000_000_000 + (n <= 2 ? 0 : 5000), n === 1],
    );
  }
  const all = await listFeatureUsage(ctx, { limit: 10 });
  assert.deepEqual(all.map((r) => r.id), [id(4), id(3), id(2), id(1)]);
  assert.equal(at(all, 3).success, true);
  assert.deepEqual((await listFeatureUsage(ctx, { limit: 10, after: [at(all, 1).startedAt, at(all, 1).id] })).map((r) => r.id), [id(2), id(1)]);
  assert.deepEqual((await listFeatureUsage(ctx, { limit: 10, session: S1, feature: 'search' })).map((r) => r.id), [id(1)]);
  assert.deepEqual((await listFeatureUsage(ctx, { limit: 10, from: 1_700_000_005_000 })).map((r) => r.id), [id(4), id(3)]);
});
