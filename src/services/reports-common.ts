import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/sqlite/client.js';
import { invalid } from '../lib/app-error.js';
import { canonicalUuid } from '../lib/ids.js';
import { isValidTimeZone } from '../lib/time-buckets.js';
import { findProfile } from './profiles.js';

/** What every report takes (contract "Reports"); times already in epoch ms. */
export type ReportFilter = { from?: number; to?: number; profile?: string; project?: string; session?: string };
export type Range = { from: number; to: number };
export type Params = Record<string, string | number | null>;

export const DEFAULT_RANGE_MS = 30 * 86_400_000;

/** `to` defaults to now and `from` to `to` − 30 days; `from` after `to` is a 400. */
export function resolveRange(filter: ReportFilter, now: number): Range {
  const to = filter.to ?? now;
  const from = filter.from ?? to - DEFAULT_RANGE_MS;
  if (from > to) throw invalid('from must not be after to', [{ path: '/from', message: 'must not be after to' }]);
  return { from, to };
}

export function assertTimeZone(tz: string): void {
  if (!isValidTimeZone(tz)) throw invalid(`tz ${tz} is not a known IANA time zone`, [{ path: '/tz', message: 'must be an IANA time zone such as Europe/Berlin' }]);
}

/**
 * The session-level filters as SQL. `column` is the session id column of the table being
 * reported on (sessions.id itself, or a child's session_id). An unknown profile matches
 * nothing (like the session list), reported as `none` so callers skip the query.
 */
export function sessionScope(db: Db, filter: ReportFilter, column: string, isSessionsTable: boolean): { where: string[]; params: Params; none: boolean } {
  const where: string[] = [];
  const params: Params = {};
  if (filter.session) {
    where.push(`${column} = @session`);
    params.session = canonicalUuid(filter.session);
  }
  const onSession: string[] = [];
  if (filter.profile !== undefined) {
    const profile = findProfile(db, filter.profile);
    if (!profile) return { where, params, none: true };
    onSession.push('profile_id = @profileId');
    params.profileId = profile.id;
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
  return { where, params, none: false };
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
