import { AppError, unavailable } from '../../lib/app-error.js';
import { translatedWith } from '../translated-store.js';

/**
 * The SQLSTATE of a PostgreSQL failure, or null. Drizzle wraps a driver error in a
 * DrizzleQueryError whose `cause` is the driver's; a transaction may wrap it again.
 */
export function pgCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/** The first error in the cause chain that carries a Node socket code (ECONNREFUSED …). */
function socketCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('E')) return code;
  }
  return null;
}

export const isUniqueViolation = (err: unknown): boolean => pgCode(err) === '23505';
export const isForeignKeyViolation = (err: unknown): boolean => pgCode(err) === '23503';
/** 40001 serialization_failure, 40P01 deadlock_detected: the transaction may simply run again. */
export const isRetryable = (err: unknown): boolean => ['40001', '40P01'].includes(pgCode(err) ?? '');
/** 53100 disk_full (and 53000 insufficient_resources' other members are not the client's to fix either). */
export const isDiskFull = (err: unknown): boolean => pgCode(err) === '53100';

/**
 * The server is not there or not serving: class 08 (connection exceptions), 57P01–57P03 (an
 * administrator shut it down, a crash restart, not accepting connections yet), a socket that
 * failed, or node-postgres giving up on a connection from an exhausted pool.
 */
export function isUnavailable(err: unknown): boolean {
  const code = pgCode(err);
  if (code && (code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code))) return true;
  if (socketCode(err)) return true;
  const message = err instanceof Error ? err.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(message);
}

/** A PostgreSQL failure a client can act on, as the problem it gets; other errors as they are. */
export function translate(err: unknown): unknown {
  if (err instanceof AppError) return err;
  if (isDiskFull(err)) return new AppError(507, 'STORAGE_FULL', 'the database disk is full; nothing was written', undefined, undefined, { cause: err });
  if (isRetryable(err) || pgCode(err) === '55P03') return unavailable('DATABASE_BUSY', 'the database is busy; retry shortly', 1);
  // 57014: a statement ran past statement_timeout (an overloaded server).
  if (isUnavailable(err) || pgCode(err) === '57014') return unavailable('DATABASE_UNAVAILABLE', 'the database is not answering; retry shortly', 2);
  return err;
}

/** A store part with its failures translated (src/db/translated-store.ts). */
export function translatedPg<T extends object>(target: T, observe: { failed(err: unknown): void; wrote(): void }, reads: ReadonlySet<string>): T {
  return translatedWith(translate, target, observe, reads);
}
