import type { FieldError } from './app-error.js';

export type AjvError = { instancePath?: string; schemaPath?: string; message?: string; keyword: string; params?: Record<string, unknown> };

const TIME_MESSAGE = 'must be an RFC 3339 time with offset or integer epoch ms from 2001 on, at most 24 h ahead';

/** The values an `enum` or `const` error allows (a union of literals fails once per `const` branch). */
function allowedValuesOf(e: AjvError): unknown[] | null {
  if (e.keyword === 'enum' && Array.isArray(e.params?.allowedValues)) return e.params.allowedValues as unknown[];
  if (e.keyword === 'const' && e.params && 'allowedValue' in e.params) return [e.params.allowedValue];
  return null;
}

/** The schema an error's keyword belongs to: `#/properties/a/anyOf/1` for `#/properties/a/anyOf/1/const`. */
const schemaOf = (e: AjvError) => (e.schemaPath ?? '').slice(0, Math.max(0, (e.schemaPath ?? '').lastIndexOf('/')));

function messageOf(e: AjvError): string {
  if (e.keyword === 'additionalProperties') return 'is not a known property';
  if (e.keyword === 'format' && String(e.params?.format).startsWith('devflow-')) return TIME_MESSAGE;
  return e.message ?? 'is invalid';
}

function pathOf(e: AjvError, prefix: string): string {
  let path = prefix + (e.instancePath ?? '');
  if (e.keyword === 'required' && e.params?.missingProperty) path += `/${String(e.params.missingProperty)}`;
  if (e.keyword === 'additionalProperties' && e.params?.additionalProperty) path += `/${String(e.params.additionalProperty)}`;
  return path;
}

const ALLOWED = Symbol('allowed values');

/**
 * One path's errors as one message. The values of every `enum` / `const` at the path become
 * "must be one of: a, b, c" (with null when a nullable branch failed too), so the client reads
 * what to send instead of "must be equal to one of the allowed values"; the `type` error of a
 * schema that has such a list says nothing the list does not.
 */
function messageFor(errors: AjvError[]): string {
  const allowed: unknown[] = [];
  const listed = new Set(errors.filter((e) => allowedValuesOf(e)).map(schemaOf));
  const parts: Array<string | typeof ALLOWED> = [];
  let orNull = false;
  for (const e of errors) {
    const values = allowedValuesOf(e);
    if (values) {
      for (const v of values) if (!allowed.includes(v)) allowed.push(v);
      if (!parts.includes(ALLOWED)) parts.push(ALLOWED);
      continue;
    }
    if (e.keyword === 'type' && listed.has(schemaOf(e))) continue;
    if (e.keyword === 'type' && e.params?.type === 'null' && listed.size > 0) {
      orNull = true;
      continue;
    }
    const message = messageOf(e);
    if (!parts.includes(message)) parts.push(message);
  }
  const list = [...allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))), ...(orNull ? ['null'] : [])].join(', ');
  return parts.map((p) => (p === ALLOWED ? `must be one of: ${list}` : p)).join('; ');
}

/** Turns Ajv errors into one `{ path, message }` per JSON pointer, under an optional prefix. */
export function validationErrors(validation: AjvError[], prefix = ''): FieldError[] {
  const byPath = new Map<string, AjvError[]>();
  for (const e of validation) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const path = pathOf(e, prefix);
    byPath.set(path, [...(byPath.get(path) ?? []), e]);
  }
  return [...byPath].map(([path, errors]) => ({ path: path || '/', message: messageFor(errors) }));
}
