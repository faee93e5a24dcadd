import { isWholeLiteral } from './inexact-numbers.js';

/** Nesting deeper than this is refused (no real payload needs it; deep values make recursion costly downstream). */
export const MAX_DEPTH = 64;

export type JsonTextScan = {
  /** The first number literal that parses to an integer it is not (`1.0000000000000001`), if any. */
  rounded: string | null;
  /**
   * False when the parsed value must be walked for what the database cannot store (an escaped
   * NUL or lone surrogate, a `__proto__` or `constructor` name, nesting past MAX_DEPTH): the
   * text has a \u escape, one of those names, or that depth. True: nothing of the kind can be there.
   */
  plain: boolean;
};

/** What a character outside strings starts: 1 an array or object, 2 its end, 3 a string, 4 a number. */
const KIND = new Uint8Array(128);
KIND[91] = KIND[123] = 1;
KIND[93] = KIND[125] = 2;
KIND[34] = 3;
for (const c of '-0123456789') KIND[c.charCodeAt(0)] = 4;
/** Characters a number literal can continue with (2: one that makes it fractional or an exponent). */
const NUMBER_PART = new Uint8Array(128);
for (const c of '+-0123456789') NUMBER_PART[c.charCodeAt(0)] = 1;
for (const c of '.eE') NUMBER_PART[c.charCodeAt(0)] = 2;
const SUSPECT_NAMES = new Set(['__proto__', 'constructor']);

/**
 * One pass over a JSON text (already parsed, so known valid): what the body checks need,
 * without a regular expression over the whole body or a walk of the parsed value in the common
 * case. Strings (most of a body) are skipped with indexOf; only structure and numbers are read
 * character by character: the number-literal regex and the value walk it replaces cost more than
 * the rest of an OTLP record's checks (figures in bench/RESULTS.md).
 */
export function scanJsonText(text: string): JsonTextScan {
  let rounded: string | null = null;
  let plain = true;
  let depth = 0;
  const n = text.length;
  let backslash = text.indexOf('\\');
  for (let i = 0; i < n; i++) {
    const kind = KIND[text.charCodeAt(i)] ?? 0;
    if (kind === 0) continue;
    if (kind === 3) {
      const start = i + 1;
      let end = text.indexOf('"', start);
      let escaped = false;
      // Escapes inside this string: note a \u, and skip an escaped quote.
      while (backslash !== -1 && backslash < end) {
        escaped = true;
        const next = text.charCodeAt(backslash + 1);
        if (next === 117) plain = false;
        if (backslash + 1 === end) end = text.indexOf('"', end + 1);
        backslash = text.indexOf('\\', backslash + 2);
      }
      // Only an unescaped string of their length and first letter can spell one of the suspect names.
      const first = text.charCodeAt(start);
      if (!escaped && ((first === 95 && end - start === 9) || (first === 99 && end - start === 11)) && SUSPECT_NAMES.has(text.slice(start, end))) plain = false;
      i = end;
    } else if (kind === 1) {
      depth += 1;
      if (depth > MAX_DEPTH) plain = false;
    } else if (kind === 2) {
      depth -= 1;
    } else {
      const start = i;
      let fractional = false;
      for (let part = NUMBER_PART[text.charCodeAt(i + 1)] ?? 0; part !== 0; part = NUMBER_PART[text.charCodeAt(i + 1)] ?? 0) {
        i += 1;
        if (part === 2) fractional = true;
      }
      if (fractional && rounded === null) {
        const literal = text.slice(start, i + 1);
        if (Number.isInteger(Number(literal)) && !isWholeLiteral(literal)) rounded = literal;
      }
    }
  }
  return { rounded, plain };
}

/** The first number literal of a JSON text that parses to an integer it is not, if any. */
export function findRoundedInteger(json: string): string | null {
  return scanJsonText(json).rounded;
}
