import type { Statement } from 'better-sqlite3';
import type { ReportScope, TimeBucket } from '../../store.js';
import type { Db } from '../client.js';

export type Params = Record<string, string | number | null>;

/**
 * The session-level filters as SQL. `column` is the session id column of the table being
 * reported on (sessions.id itself, or a child's session_id).
 */
export function sessionScope(filter: ReportScope, column: string, isSessionsTable: boolean): { where: string[]; params: Params } {
  const where: string[] = [];
  const params: Params = {};
  if (filter.session) {
    where.push(`${column} = @session`);
    params.session = filter.session;
  }
  const onSession: string[] = [];
  if (filter.profileId !== undefined) {
    onSession.push('profile_id = @profileId');
    params.profileId = filter.profileId;
  }
  if (filter.project !== undefined) {
    onSession.push('project = @project');
    params.project = filter.project;
  }
  if (onSession.length > 0) {
    const alias = column.includes('.') ? `${column.split('.')[0]}.` : '';
    if (isSessionsTable) where.push(...onSession.map((c) => alias + c));
    else where.push(`${column} in (select id from sessions where ${onSession.join(' and ')})`);
  }
  return { where, params };
}

/** Prepared statements by SQL text: a report's SQL depends only on which filters are set. */
export function statementCache(db: Db) {
  const cache = new Map<string, Statement>();
  return function prepared(sqlText: string): Statement {
    let stmt = cache.get(sqlText);
    if (!stmt) {
      stmt = db.$client.prepare(sqlText);
      cache.set(sqlText, stmt);
    }
    return stmt;
  };
}

export type Prepared = ReturnType<typeof statementCache>;

/** Nearest-rank percentile index (1-based): ceil(p/100 × n), in integer arithmetic for SQL. */
export const rankSql = (p: number, n: string) => `((${p} * ${n} + 99) / 100)`;

export const and = (conditions: string[]) => (conditions.length > 0 ? conditions.join(' and ') : '1');

/** The buckets clipped to the range, as the JSON the SQL reads with json_each: [start, lo, hi]. */
export function bucketJson(buckets: readonly TimeBucket[], range: { from: number; to: number }): string {
  return JSON.stringify(buckets.map((b) => [b.start, Math.max(b.start, range.from), Math.min(b.end, range.to)]));
}
