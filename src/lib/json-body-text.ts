import { isAscii } from 'node:buffer';
import { AppError, invalid, type FieldError } from './app-error.js';
import { MAX_DEPTH, scanJsonText } from './json-text-scan.js';

/**
 * Finds what JSON can carry but the database cannot store faithfully: lone UTF-16
 * surrogates (SQLite would store invalid UTF-8 and read back U+FFFD) and NUL characters
 * (C string APIs truncate at them), plus nesting deeper than any real payload needs.
 */
export function findUnstorableValue(value: unknown, path = '', depth = 0): FieldError | null {
  const found = scan(value, depth);
  if (!found) return null;
  return { path: path + found.segments.reverse().map((k) => `/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`).join(''), message: found.message };
}

/** The walk behind findUnstorableValue: builds no path until it finds a problem (every body goes through it). */
function scan(value: unknown, depth: number): { segments: string[]; message: string } | null {
  if (depth > MAX_DEPTH) return { segments: [], message: `nesting deeper than ${MAX_DEPTH} levels` };
  if (typeof value === 'string') {
    const message = stringProblem(value);
    return message ? { segments: [], message } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = scan(value[i], depth + 1);
      if (found) {
        found.segments.push(String(i));
        return found;
      }
    }
    return null;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = (value as Record<string, unknown>)[key];
    const message = stringProblem(key) ?? prototypeKeyProblem(key, child);
    const found = message ? { segments: [], message } : scan(child, depth + 1);
    if (found) {
      found.segments.push(key);
      return found;
    }
  }
  return null;
}

function stringProblem(s: string): string | null {
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) return 'must be well-formed Unicode (lone surrogate found)';
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  return null;
}

/**
 * `__proto__`, and `constructor` holding `prototype`, are how prototype pollution travels in
 * JSON: refused wherever they appear (valid JSON, so a 400 VALIDATION_FAILED with the path).
 */
function prototypeKeyProblem(key: string, child: unknown): string | null {
  if (key === '__proto__') return 'must not be a __proto__ key';
  if (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype')) {
    return 'must not be a constructor.prototype key';
  }
  return null;
}

// fatal: a byte sequence that is not UTF-8 is refused, not replaced by U+FFFD and stored changed.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A JSON body's bytes as text (RFC 8259 §8.1: JSON between systems is UTF-8). */
export function decodeUtf8Body(bytes: Buffer): string {
  // Nearly every body is ASCII, which reads the same as Latin-1: copied, not decoded again.
  if (isAscii(bytes)) return bytes.toString('latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AppError(400, 'MALFORMED_JSON', 'request body is not valid UTF-8');
  }
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new AppError(400, 'MALFORMED_JSON', 'request body is empty; send a JSON document');
  let body: unknown;
  try {
    // Plain JSON.parse keeps `__proto__` as an own property (no pollution); the walk below refuses it.
    body = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'unparseable';
    throw new AppError(400, 'MALFORMED_JSON', `request body is not valid JSON: ${reason}`);
  }
  const { rounded, plain } = scanJsonText(text);
  if (rounded !== null) {
    throw invalid(`body holds the number ${rounded.slice(0, 40)}, which JSON cannot carry exactly (it would be stored rounded to an integer)`, [
      { path: '', message: `number ${rounded.slice(0, 40)} cannot be carried exactly` },
    ]);
  }
  // The walk finds where the problem is; the scan says whether there can be one.
  const bad = plain ? null : findUnstorableValue(body);
  if (bad) throw invalid(`body${bad.path || ''} ${bad.message}`, [bad]);
  return body;
}
