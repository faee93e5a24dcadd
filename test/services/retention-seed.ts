import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/sqlite/client.js';
import { featureUsage, productivityEvents, sessions, toolCalls } from '../../src/db/sqlite/schema/index.js';
import { newId } from '../../src/lib/ids.js';

/** Test data written straight through Drizzle (the ingest services are not under test here). */

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

export type SeedSession = {
  status?: 'active' | 'completed' | 'failed' | 'cancelled';
  startedAt: number;
  toolCalls?: number[];
  events?: number[];
  features?: number[];
};

/** One session with children at the given times; last_activity_at and tool_call_count kept consistent. */
export function seedSession(db: Db, s: SeedSession): string {
  const id = newId();
  const times = [s.startedAt, ...(s.toolCalls ?? []), ...(s.events ?? []), ...(s.features ?? [])];
  const last = Math.max(...times);
  const status = s.status ?? 'active';
  db.insert(sessions)
    .values({
      id,
      type: 'agent',
      status,
      startedAt: s.startedAt,
      endedAt: status === 'active' ? null : last,
      updatedAt: last,
      lastActivityAt: last,
      toolCallCount: s.toolCalls?.length ?? 0,
    })
    .run();
  for (const t of s.toolCalls ?? []) {
    db.insert(toolCalls).values({ id: newId(), sessionId: id, toolName: 'Bash', durationMs: 12, status: 'success', timestamp: t }).run();
  }
  for (const t of s.events ?? []) {
    db.insert(productivityEvents)
      .values({ id: newId(), sessionId: id, eventType: 'refactor', traditionalTimeEstimate: 60, actualTimeTaken: 30, timeSaved: 30, improvementPercentage: 50, createdAt: t })
      .run();
  }
  for (const t of s.features ?? []) {
    db.insert(featureUsage).values({ id: newId(), sessionId: id, featureName: 'search', featureCategory: 'nav', startedAt: t }).run();
  }
  return id;
}

/** Many tool calls for one session in one transaction (fast: one prepared statement). */
export function seedToolCalls(db: Db, sessionId: string, n: number, from: number, stepMs = 1): void {
  const insert = db.$client.prepare(
    "insert into tool_calls (id, session_id, tool_name, duration_ms, status, timestamp) values (?, ?, 'Read', 5, 'success', ?)",
  );
  db.$client.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(newId(), sessionId, from + i * stepMs);
    db.$client.prepare('update sessions set tool_call_count = tool_call_count + ?, last_activity_at = max(last_activity_at, ?) where id = ?').run(n, from + (n - 1) * stepMs, sessionId);
  })();
}

/** Sessions whose tool_call_count differs from their stored tool calls (must be none). */
export function countMismatches(db: Db): number {
  const row = db.get<{ n: number }>(
    sql`select count(*) as n from sessions s where s.tool_call_count <> (select count(*) from tool_calls t where t.session_id = s.id)`,
  );
  return row.n;
}

export function foreignKeyProblems(db: Db): unknown[] {
  return db.$client.pragma('foreign_key_check') as unknown[];
}

export function tableCount(db: Db, table: 'sessions' | 'tool_calls' | 'productivity_events' | 'feature_usage'): number {
  return (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
}
