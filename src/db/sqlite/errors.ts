import { AppError, unavailable } from '../../lib/app-error.js';
import { translatedWith } from '../translated-store.js';

/** better-sqlite3's codes are SQLITE_<PRIMARY>[_<EXTENDED>]. */
const primaryCode = (err: unknown): string | null => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : null;
};

export const isDiskFull = (err: unknown): boolean => primaryCode(err) === 'SQLITE_FULL';
/** Another connection holds the lock this one needs. */
export const isBusy = (err: unknown): boolean => primaryCode(err) === 'SQLITE_BUSY';
/** The file is not a SQLite database, or is damaged past reading. */
export const isNotADatabase = (err: unknown): boolean => ['SQLITE_NOTADB', 'SQLITE_CORRUPT'].includes(primaryCode(err) ?? '');

/** A SQLite failure a client can act on, as the problem it gets; other errors as they are. */
export function translate(err: unknown): unknown {
  switch (primaryCode(err)) {
    case 'SQLITE_FULL':
      return new AppError(507, 'STORAGE_FULL', 'the database disk is full; nothing was written', undefined, undefined, { cause: err });
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return unavailable('DATABASE_BUSY', 'the database is busy; retry shortly', 1);
    default:
      return err;
  }
}

/**
 * The same object with every method's failures translated (see translatedWith); `observe` sees
 * each failure first and each success of a method not in `reads`.
 */
export function translated<T extends object>(target: T, observe: { failed(err: unknown): void; wrote(): void }, reads: ReadonlySet<string>): T {
  return translatedWith(translate, target, observe, reads);
}
