import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../src/lib/app-error.js';
import { batchBodySchema, createBatchParser } from '../../src/lib/batch-body.js';

const Item = Type.Object({ name: Type.String({ minLength: 1 }), n: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
type ItemT = { name: string; n: number };
const parse = createBatchParser<ItemT>(Item, 3);

function rejects(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError);
    return err;
  }
  assert.fail('expected an AppError');
}

test('one item: parsed as index 0 of a non-batch', () => {
  assert.deepEqual(parse({ name: 'a', n: 1 }, false), { items: [{ index: 0, value: { name: 'a', n: 1 } }], rejected: [], isBatch: false });
});

test('one bad item: 400 with body-relative paths, or rejected at index 0 when partial', () => {
  const err = rejects(() => parse({ name: '', n: -1, x: 1 }, false));
  assert.equal(err.status, 400);
  assert.equal(err.code, 'VALIDATION_FAILED');
  assert.deepEqual(err.errors?.map((e) => e.path).sort(), ['/n', '/name', '/x']);
  assert.match(err.message, /nothing was stored/);
  const partial = parse({ name: 'a' }, true);
  assert.deepEqual(partial.items, []);
  assert.deepEqual(partial.rejected, [{ index: 0, code: 'VALIDATION_FAILED', errors: [{ path: '/n', message: "must have required property 'n'" }] }]);
});

test('a batch: every bad item is named by /items/N/…; all-or-nothing throws, partial keeps the good ones', () => {
  const body = { items: [{ name: 'b', n: 'x' }, { name: 'c', n: 3 }, 7] };
  const err = rejects(() => parse(body, false));
  assert.deepEqual(err.errors?.map((e) => e.path), ['/items/0/n', '/items/2']);
  assert.match(err.message, /and 1 more invalid items/);
  const partial = parse(body, true);
  assert.equal(partial.isBatch, true);
  assert.deepEqual(partial.items.map((i) => i.index), [1]);
  assert.deepEqual(partial.rejected.map((r) => [r.index, r.errors[0]?.path]), [[0, '/items/0/n'], [2, '/items/2']]);
});

test('the envelope is checked whatever partial says', () => {
  for (const partial of [false, true]) {
    for (const body of [{ items: [] }, { items: [{ name: 'a', n: 1 }, { name: 'a', n: 1 }, { name: 'a', n: 1 }, { name: 'a', n: 1 }] }, { items: {} }, { items: [{ name: 'a', n: 1 }], more: 1 }, null, [], 'text', 5]) {
      const err = rejects(() => parse(body, partial));
      assert.equal(err.status, 400, JSON.stringify(body));
      assert.ok((err.errors ?? []).length > 0);
    }
  }
  assert.deepEqual(rejects(() => parse({ items: [], more: 1 }, true)).errors?.map((e) => e.path), ['/more']);
  assert.deepEqual(rejects(() => parse({ items: [] }, true)).errors?.map((e) => e.path), ['/items']);
});

test('the documented schema is the item or the envelope with 1..maxBatch items', () => {
  const schema = batchBodySchema(Item, 3, 'Item') as unknown as { anyOf: Array<{ title?: string; properties?: { items?: { minItems: number; maxItems: number } } }> };
  assert.equal(schema.anyOf.length, 2);
  assert.equal(schema.anyOf[1]?.title, 'ItemBatch');
  assert.deepEqual([schema.anyOf[1]?.properties?.items?.minItems, schema.anyOf[1]?.properties?.items?.maxItems], [1, 3]);
});
