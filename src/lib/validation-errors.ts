import type { FieldError } from './app-error.js';

export type AjvError = { instancePath?: string; message?: string; keyword: string; params?: Record<string, unknown> };

const TIME_MESSAGE = 'must be an RFC 3339 time with offset or integer epoch ms from 2001 on, at most 24 h ahead';

/** Turns Ajv errors into one `{ path, message }` per JSON pointer, under an optional prefix. */
export function validationErrors(validation: AjvError[], prefix = ''): FieldError[] {
  const byPath = new Map<string, string[]>();
  for (const e of validation) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    let path = prefix + (e.instancePath ?? '');
    if (e.keyword === 'required' && e.params?.missingProperty) path += `/${String(e.params.missingProperty)}`;
    if (e.keyword === 'additionalProperties' && e.params?.additionalProperty) path += `/${String(e.params.additionalProperty)}`;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') message = 'is not a known property';
    if (e.keyword === 'format' && String(e.params?.format).startsWith('devflow-')) message = TIME_MESSAGE;
    const messages = byPath.get(path) ?? [];
    if (!messages.includes(message)) messages.push(message);
    byPath.set(path, messages);
  }
  return [...byPath].map(([path, messages]) => ({ path: path || '/', message: messages.join('; ') }));
}
