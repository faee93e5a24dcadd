import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { BloomFilter, hashUuid, hashUuidBytes } from '../../../src/db/sqlite/bloom-filter.js';

test('the id filter never forgets an id, answers "maybe" for under 2 % of others at capacity, and survives a save', () => {
  const capacity = 100_000;
  const filter = new BloomFilter(capacity);
  const ids = Array.from({ length: capacity }, () => randomUUID());
  for (const id of ids) filter.add(hashUuid(id));
  assert.equal(filter.added, capacity);
  assert.ok(ids.every((id) => filter.has(hashUuid(id))), 'no false negatives');
  let maybe = 0;
  for (let i = 0; i < capacity; i++) if (filter.has(hashUuid(randomUUID()))) maybe += 1;
  assert.ok(maybe / capacity < 0.02, `false positives ${(100 * maybe) / capacity} %`);
  assert.ok(maybe > 0, 'a Bloom filter this full does answer "maybe" for some');

  const loaded = BloomFilter.fromBytes(capacity, filter.added, filter.toBytes());
  assert.equal(loaded.added, capacity);
  assert.ok(ids.every((id) => loaded.has(hashUuid(id))));
});

test('an id hashes the same from its text (either case) and from its 16 bytes', () => {
  for (let i = 0; i < 1000; i++) {
    const id = randomUUID();
    const bytes = Buffer.from(id.replaceAll('-', ''), 'hex');
    assert.deepEqual(hashUuid(id), hashUuidBytes(bytes));
    assert.deepEqual(hashUuid(id.toUpperCase()), hashUuidBytes(bytes));
  }
});
