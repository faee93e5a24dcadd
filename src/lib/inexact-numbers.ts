/**
 * Number literals a JSON parser silently rounds onto an integer: `1.0000000000000001` and
 * `1795443930711.0000001` parse to whole doubles, would pass an integer schema and be stored
 * rounded. The contract: a value JSON cannot carry exactly is a 400, never stored rounded.
 */

// Strings are matched whole so digits inside them are skipped; only number tokens with a
// fraction or an exponent can round onto an integer.
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const NUMBER = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const MAYBE_FRACTIONAL = /(?:^|[:,[])\s*-?\d+(?:\.\d|[eE])/;

/** True when the literal is a whole number as written (1.0, 1e3, 120e-1), false for 1.5 or 1.0000000000000001. */
export function isWholeLiteral(literal: string): boolean {
  const m = NUMBER.exec(literal);
  if (!m) return false;
  const [, int = '', frac = '', exp = '0'] = m;
  const digits = (int + frac).replace(/^0+/, '');
  if (digits === '') return true;
  const trailingZeros = digits.length - digits.replace(/0+$/, '').length;
  return Number(exp) - frac.length + trailingZeros >= 0;
}

/** The first number literal of a JSON text that parses to an integer it is not, if any. */
export function findRoundedInteger(json: string): string | null {
  // Most bodies have no number with a fraction or exponent (a JSON number follows the start, ':',
  // ',' or '['; UUIDs' "0e4…" are inside strings): skip the scan then.
  if (!MAYBE_FRACTIONAL.test(json)) return null;
  for (const [token] of json.matchAll(TOKENS)) {
    if (token.startsWith('"') || !/[.eE]/.test(token)) continue;
    if (Number.isInteger(Number(token)) && !isWholeLiteral(token)) return token;
  }
  return null;
}
