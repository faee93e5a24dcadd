/**
 * Number literals a JSON parser silently rounds onto an integer: `1.0000000000000001` and
 * `1795443930711.0000001` parse to whole doubles, would pass an integer schema and be stored
 * rounded. The contract: a value JSON cannot carry exactly is a 400, never stored rounded.
 */

const NUMBER = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

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
