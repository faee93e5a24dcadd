import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { slotDeltas } from '../../../src/lib/rollup-deltas.js';
import { foldRollups } from '../../../src/db/pg/rollups/fold.js';
import { createPgProfileStore } from '../../../src/db/pg/profiles.js';
import { profileSessionsRemoval, sessionRemoval } from '../../../src/db/pg/session-removal.js';
import { inTransaction } from '../../../src/db/pg/transaction.js';
import { freshPgContext } from '../../support/pg.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1);

test('PostgreSQL session removal takes a session with everything under it out of every table, the id tables, the row counts and the rollups', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const q = (text: string, params: unknown[] = []) => ctx.pool.query(text, params);
  await q("insert into profiles (name, created_at, updated_at) values ('p', 1, 1)");
  const kept = randomUUID();
  const gone = randomUUID();
  const calls: Array<{ id: string; sessionId: string; toolName: string; durationMs: number; status: string; timestamp: number; profileId: number | null; project: string | null }> = [];
  for (const [session, profileId, project] of [[kept, null, null], [gone, 1, 'web']] as const) {
    await q('insert into sessions (id, profile_id, type, project, started_at, updated_at, last_activity_at) values ($1, $2, $3, $4, $5, $5, $5)', [session, profileId, 'agent', project, T0]);
    for (let i = 0; i < 6; i++) {
      const call = { id: randomUUID(), sessionId: session, toolName: i % 2 ? 'Bash' : 'Read', durationMs: 10 * (i + 1), status: i === 5 ? 'error' : 'success', timestamp: T0 + i * HOUR, profileId, project };
      calls.push(call);
      await q('insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values ($1, $2, $3, $4, $5, $6)', [call.id, session, call.toolName, call.durationMs, call.status, call.timestamp]);
      await q('insert into tool_call_ids (id, timestamp) values ($1, $2)', [call.id, call.timestamp]);
    }
    const event = randomUUID();
    await q("insert into productivity_events (id, session_id, event_type, traditional_time_estimate, actual_time_taken, time_saved, created_at) values ($1, $2, 'refactor', 10, 4, 6, $3)", [event, session, T0]);
    await q('insert into productivity_event_ids (id, created_at) values ($1, $2)', [event, T0]);
    const use = randomUUID();
    await q("insert into feature_usage (id, session_id, feature_name, feature_category, started_at) values ($1, $2, 'f', 'c', $3)", [use, session, T0]);
    await q('insert into feature_usage_ids (id, started_at) values ($1, $2)', [use, T0]);
  }
  await q("insert into row_count_deltas (table_name, rows, at) values ('sessions', 2, 0), ('tool_calls', 12, 0), ('productivity_events', 2, 0), ('feature_usage', 2, 0)");
  await q('insert into tool_call_rollup_deltas (deltas, at) values ($1::jsonb, 0)', [slotDeltas(calls).encode()]);
  await foldRollups(ctx);

  const remove = sessionRemoval(ctx);
  await inTransaction(ctx, (tx) => remove(tx, [gone]));
  await foldRollups(ctx);

  const count = async (table: string, where = '') => (await q(`select count(*)::int as n from ${table} ${where}`)).rows[0].n as number;
  assert.equal(await count('sessions'), 1);
  for (const table of ['tool_calls', 'productivity_events', 'feature_usage']) assert.equal(await count(table, `where session_id = '${gone}'`), 0, table);
  assert.equal(await count('tool_call_ids'), 6, 'only the kept session’s call ids remain: a removed id may be sent again');
  assert.equal(await count('productivity_event_ids'), 1);
  assert.equal(await count('feature_usage_ids'), 1);
  const sums = (await q('select table_name, sum(rows)::int as n from row_count_deltas group by table_name order by table_name')).rows;
  assert.deepEqual(Object.fromEntries(sums.map((r) => [r.table_name, r.n])), { feature_usage: 1, productivity_events: 1, sessions: 1, tool_calls: 6 });
  // The rollups now hold exactly the kept session's calls.
  const rollup = (await q("select sum(calls)::int as calls, sum(errors)::int as errors, sum(duration_sum)::int as sum from tool_call_slot_rollups")).rows[0];
  const keptCalls = calls.filter((c) => c.sessionId === kept);
  assert.deepEqual(rollup, { calls: 6, errors: keptCalls.filter((c) => c.status === 'error').length, sum: keptCalls.reduce((s, c) => s + c.durationMs, 0) });
  assert.equal(await count('tool_call_slot_rollups', 'where profile_id = 1'), 0, 'the removed session’s rows emptied and deleted');
  await inTransaction(ctx, (tx) => remove(tx, []));
});

test('PostgreSQL profile cascade: the profile store removes every session of the profile with the shared removal', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  const profiles = createPgProfileStore(ctx, { removeSessionsOf: profileSessionsRemoval(sessionRemoval(ctx)) });
  const made = await profiles.create({ name: 'laptop', description: null, enabled: true, autoSave: false, debugMode: false }, 1, { actor: 'test', at: 1, changes: () => ({}) });
  assert.ok(typeof made === 'object');
  const other = randomUUID();
  for (const [id, profileId] of [[randomUUID(), made.id], [randomUUID(), made.id], [other, null]] as const) {
    await ctx.pool.query('insert into sessions (id, profile_id, type, started_at, updated_at, last_activity_at) values ($1, $2, $3, 1, 1, 1)', [id, profileId, 'test']);
    await ctx.pool.query("insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values ($1, $2, 'Read', 1, 'success', $3)", [randomUUID(), id, T0]);
  }
  let seen = -1;
  await profiles.remove({ name: 'laptop' }, (_row, sessions) => {
    seen = sessions;
    return { cascade: true, audit: { actor: 'test', at: 2, changes: () => ({}) } };
  });
  assert.equal(seen, 2);
  const left = (await ctx.pool.query('select id from sessions')).rows.map((r) => r.id);
  assert.deepEqual(left, [other]);
  assert.equal((await ctx.pool.query('select count(*)::int as n from tool_calls')).rows[0].n, 1);
});
