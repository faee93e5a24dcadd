import { Type, type TSchema } from '@sinclair/typebox';
import { AppError, invalid, type FieldError } from './app-error.js';
import { compileBodyValidator, documentOnly } from './validation.js';

export type Indexed<T> = { index: number; value: T };
export type Rejection = { index: number; code: string; errors: FieldError[] };
export type ParsedBatch<T> = { items: Array<Indexed<T>>; rejected: Rejection[]; isBatch: boolean };

/**
 * The body of a batch write: one item, or `{ "items": [ … ] }` of 1..maxBatch. The route
 * schema documents this shape; validation happens here so that a bad item is reported with
 * its own path (`/items/17/durationMs`) and, with `?partial=true`, rejected on its own.
 */
export function batchBodySchema<T extends TSchema>(item: T, maxBatch: number, title: string) {
  return documentOnly(batchBodyUnion(item, maxBatch, title));
}

/** The same shape as a schema Fastify validates as usual (the ingest benchmark's no-op reference route). */
export function batchBodyUnion<T extends TSchema>(item: T, maxBatch: number, title: string) {
  return Type.Union(
    [item, Type.Object({ items: Type.Array(item, { minItems: 1, maxItems: maxBatch }) }, { additionalProperties: false, title: `${title}Batch` })],
    { description: `one ${title} object, or { items: [ … ] } with 1..${maxBatch} of them` },
  );
}

export function createBatchParser<T>(item: TSchema, maxBatch: number) {
  const validateItem = compileBodyValidator(item);
  return function parseBatch(body: unknown, partial: boolean): ParsedBatch<T> {
    // Not an object at all (array, null, text): the request is malformed, whatever partial says.
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      const message = 'must be one object or { items: [ … ] }';
      throw invalid(`body ${message}`, [{ path: '/', message }]);
    }
    const isBatch = 'items' in body;
    if (!isBatch) {
      const errors = validateItem(body);
      if (errors.length === 0) return { items: [{ index: 0, value: body as T }], rejected: [], isBatch };
      if (!partial) throw invalid(describe(errors), errors);
      return { items: [], rejected: [{ index: 0, code: 'VALIDATION_FAILED', errors }], isBatch };
    }
    const envelope = body as Record<string, unknown>;
    const extra = Object.keys(envelope).filter((k) => k !== 'items');
    if (extra.length > 0) {
      const errors = extra.map((k) => ({ path: `/${k}`, message: 'is not a known property' }));
      throw invalid(describe(errors), errors);
    }
    const list = envelope.items;
    if (!Array.isArray(list)) throw invalid('body/items must be an array', [{ path: '/items', message: 'must be an array' }]);
    if (list.length < 1 || list.length > maxBatch) {
      const message = `must have 1..${maxBatch} items (has ${list.length})`;
      throw invalid(`body/items ${message}`, [{ path: '/items', message }]);
    }
    const items: Array<Indexed<T>> = [];
    const rejected: Rejection[] = [];
    const allErrors: FieldError[] = [];
    list.forEach((value, index) => {
      const errors = validateItem(value, `/items/${index}`);
      if (errors.length === 0) items.push({ index, value: value as T });
      else {
        rejected.push({ index, code: 'VALIDATION_FAILED', errors });
        allErrors.push(...errors);
      }
    });
    if (!partial && allErrors.length > 0) throw invalid(describe(allErrors, rejected.length), allErrors);
    return { items, rejected, isBatch };
  };
}

/** A check the schema cannot express; returns the problem for one item, or null. */
export type ItemCheck<T> = (value: T, prefix: string) => { status: number; code: string; detail: string; errors: FieldError[] } | null;

/**
 * Applies a semantic per-item check after schema validation, with the batch rules: the first
 * failure fails the request (nothing stored) unless partial, where the item is rejected alone.
 */
export function applyItemCheck<T>(batch: ParsedBatch<T>, partial: boolean, check: ItemCheck<T>): ParsedBatch<T> {
  const kept: ParsedBatch<T>['items'] = [];
  const rejected = [...batch.rejected];
  for (const item of batch.items) {
    const failure = check(item.value, batch.isBatch ? `/items/${item.index}` : '');
    if (!failure) {
      kept.push(item);
      continue;
    }
    if (!partial) throw new AppError(failure.status, failure.code, `${failure.detail}; nothing was stored`, failure.errors);
    rejected.push({ index: item.index, code: failure.code, errors: failure.errors });
  }
  return { items: kept, rejected, isBatch: batch.isBatch };
}

function describe(errors: FieldError[], badItems = 1): string {
  const first = errors[0];
  const head = first ? `body${first.path === '/' ? '' : first.path} ${first.message}` : 'body is invalid';
  return badItems > 1 ? `${head} (and ${badItems - 1} more invalid items; nothing was stored)` : `${head}; nothing was stored`;
}
