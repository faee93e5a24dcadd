import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId } from '../../src/lib/ids.js';

test('newId: RFC 9562 UUID v7 with the current time in its first 48 bits, unique', () => {
  const before = Date.now();
  const ids = Array.from({ length: 5000 }, () => newId());
  const after = Date.now();
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) {
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    assert.ok(ms >= before && ms <= after, `time ${ms} within [${before}, ${after}]`);
  }
  // Time-ordered across milliseconds: an id of a later millisecond sorts after every earlier one.
  while (Date.now() <= after) {
    // wait for the next millisecond
  }
  assert.ok(newId() > ([...ids].sort().at(-1) as string));
});

test('newId: ids made within one millisecond sort in the order they were made', () => {
  const ids = Array.from({ length: 20_000 }, () => newId());
  const perMs = new Map<string, number>();
  for (const id of ids) perMs.set(id.slice(0, 13), (perMs.get(id.slice(0, 13)) ?? 0) + 1);
  assert.ok([...perMs.values()].some((n) => n > 1), 'several ids share a millisecond');
  ids.forEach((id, i) => {
    if (i > 0) assert.ok(id > (ids[i - 1] as string), `${id} after ${ids[i - 1]}`);
  });
});

test('uuidV5: the RFC 9562 name-based UUID, equal to the uuid package for short, long and non-ASCII names', async () => {
  const { v5 } = await import('uuid');
  const { uuidV5 } = await import('../../src/lib/ids.js');
  const ns = 'ef4a68e3-cd01-4082-9743-53d1c191c60c';
  // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
  assert.equal(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
  for (const name of ['', 'toolu_01ABC', 'ünïcödé 😀', 'x'.repeat(5000), 'y'.repeat(2031), 'z'.repeat(2032)]) {
    assert.equal(uuidV5(name, ns), v5(name, ns), `${name.slice(0, 20)} (${name.length})`);
  }
  // Names of one length, one after another, and every variant digit.
  const variants = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const name = `toolu_01${String(i).padStart(22, '0')}`;
    const id = uuidV5(name, ns);
    assert.equal(id, v5(name, ns), name);
    variants.add(id.charAt(19));
  }
  assert.deepEqual([...variants].sort(), ['8', '9', 'a', 'b']);
  // Multi-byte characters around the end of the hashing buffer: a name written only in part is
  // never hashed as if it were whole (two such names differing only at the end stay distinct).
  for (let ascii = 2030; ascii <= 2050; ascii++) {
    for (const tail of ['é', '€', '😀', '€€', '😀😀', 'x€😀']) {
      const name = 'a'.repeat(ascii) + tail;
      assert.equal(uuidV5(name, ns), v5(name, ns), `${ascii} + ${tail}`);
    }
  }
  const long = '€'.repeat(700);
  assert.notEqual(uuidV5(`${long}a`, ns), uuidV5(`${long}b`, ns));
});
