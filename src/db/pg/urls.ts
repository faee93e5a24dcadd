/**
 * What may be said about a PostgreSQL URL in a log or an error: never its password, which
 * sits in plain text in `postgres://user:password@host/db` (or in a `password=` parameter).
 */

const NOT_A_URL = '(a PostgreSQL URL that does not parse)';

/** The URL with its password, if any, replaced by ***: `postgres://user:***@host:5432/db`. */
export function redactUrl(url: string): string {
  const parsed = parse(url);
  if (!parsed) return NOT_A_URL;
  if (parsed.password) parsed.password = '***';
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
  return parsed.toString();
}

/** host:port the URL points at (5432 when it names none; a socket folder when `host=` names one), for one-line errors. */
export function describeTarget(url: string): string {
  const parsed = parse(url);
  if (!parsed) return NOT_A_URL;
  const host = parsed.searchParams.get('host') ?? (parsed.hostname || 'localhost');
  return `${host}:${parsed.port || '5432'}`;
}

function parse(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'postgres:' || parsed.protocol === 'postgresql:' ? parsed : null;
  } catch {
    return null;
  }
}
