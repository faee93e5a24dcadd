import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXPORT_CHUNK_ROWS, exportToolCalls, listToolCalls } from '../../../src/db/pg/tool-call-reads.js';
import { freshPgContext } from '../../support/pg.js';

const S1 = '01900000-0000-7000-8000-000000000001';
const S2 = '01900000-0000-7000-8000-000000000002';
const T0 = 1_700_000_000_000;

// 2,500 calls, five per millisecond (equal timestamps), alternating sessions, tools and statuses;
// ids in random order relative to time, so the id tie-break is exercised.
const FIXTURE = `
  insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp)
  select ('01900000-0000-7000-8000-' || lpad(to_hex((n * 7919) % 100003), 12, '0'))::uuid,
         case when n % 2 = 0 then $1::uuid else $2::uuid end,
         case when n % 3 = 0 then 'bash' else 'edit' end, n, case when n % 4 = 1 then 'error' else 'success' end,
         $3::int8 + n / 5
  from generate_series(1, 2500) n`;

test('tool calls: list newest first with keyset pages across equal timestamps and filters; export oldest first in chunks', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  await ctx.pool.query(`insert into sessions (id, type, started_at, updated_at, last_activity_at) values ($1, 'agent', 0, 0, 0), ($2, 'agent', 0, 0, 0)`, [S1, S2]);
  await ctx.pool.query(FIXTURE, [S2, S1, T0]);
  const { rows: truth } = await ctx.pool.query<{ id: string; ts: number }>('select id::text, timestamp as ts from tool_calls order by timestamp, id');
  const oldestFirst = truth.map((r) => r.id);

  const paged: string[] = [];
  let after: [number, string] | undefined;
  for (;;) {
    const page = await listToolCalls(ctx, { limit: 7, after });
    const last = page[page.length - 1];
    if (last === undefined) break;
    paged.push(...page.map((r) => r.id));
    after = [last.timestamp, last.id];
  }
  assert.deepEqual(paged, [...oldestFirst].reverse());

  const filtered = await listToolCalls(ctx, { limit: 5000, session: S1, tool: 'bash', status: 'error', from: T0 + 100, to: T0 + 300 });
  const { rows: want } = await ctx.pool.query<{ id: string }>(
    `select id::text from tool_calls where session_id = $1 and tool_name = 'bash' and status = 'error' and timestamp >= $2 and timestamp < $3 order by timestamp desc, id desc`,
    [S1, T0 + 100, T0 + 300],
  );
  assert.ok(want.length > 0);
  assert.deepEqual(filtered.map((r) => r.id), want.map((r) => r.id));
  const first = filtered[0];
  assert.ok(first);
  assert.equal(typeof first.timestamp, 'number');
  assert.equal(typeof first.durationMs, 'number');

  const chunks: number[] = [];
  const exported: string[] = [];
  for await (const chunk of exportToolCalls(ctx, {})) {
    chunks.push(chunk.length);
    exported.push(...chunk.map((r) => r.id));
  }
  assert.deepEqual(chunks, [EXPORT_CHUNK_ROWS, EXPORT_CHUNK_ROWS, 500]);
  assert.deepEqual(exported, oldestFirst);
  // A consumer that stops after one chunk reads no further; an empty match yields nothing.
  for await (const chunk of exportToolCalls(ctx, { tool: 'edit' })) {
    assert.equal(chunk.length, EXPORT_CHUNK_ROWS);
    break;
  }
  let none = 0;
  for await (const chunk of exportToolCalls(ctx, { tool: 'nope' })) none += chunk.length;
  assert.equal(none, 0);
});
