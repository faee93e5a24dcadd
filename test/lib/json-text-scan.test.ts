import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_DEPTH, scanJsonText } from '../../src/lib/json-text-scan.js';
import { findUnstorableValue } from '../../src/lib/json-body-text.js';

test('a plain text needs no walk; escapes, suspect names and deep nesting do', () => {
  assert.deepEqual(scanJsonText('{"toolName":"Read","durationMs":12,"ok":true,"n":null,"xs":[1,2.5,"a\\"b"]}'), { rounded: null, plain: true });
  for (const text of ['{"a":"\\u0000"}', '{"a":"\\ud800"}', '{"\\u005f_proto__":1}', '{"__proto__":{}}', '{"constructor":{"prototype":{}}}', '{"a":"constructor"}', `${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`]) {
    assert.equal(scanJsonText(text).plain, false, text);
  }
  assert.equal(scanJsonText(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`).plain, true, 'at the limit');
  assert.equal(scanJsonText('{"a":"\\n\\t\\\\"}').plain, true, 'other escapes are harmless');
});

test('numbers: only literals that round onto an integer are reported; strings are skipped', () => {
  assert.equal(scanJsonText('{"durationMs":1.0000000000000001}').rounded, '1.0000000000000001');
  assert.equal(scanJsonText('{"a":[-1.5e2, 2e3, 0.25, -0, 12.0, 1e-7]}').rounded, null);
  assert.equal(scanJsonText('{"t":1795443930711.0000001}').rounded, '1795443930711.0000001');
  assert.equal(scanJsonText('{"s":"1.0000000000000001","u":"0190e4a2-1e5b-7c3d-8e9f-0a1b2c3d4e5f"}').rounded, null);
});

test('property: whenever the scan says plain, walking the parsed value finds nothing either', () => {
  const text = fc.oneof(fc.json({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)));
  fc.assert(
    fc.property(text, (t) => {
      if (scanJsonText(t).plain) assert.equal(findUnstorableValue(JSON.parse(t)), null, t);
    }),
    { numRuns: 3000 },
  );
  // And texts made to hold what the walk refuses are never plain.
  const bad = fc.constantFrom('\u0000', '\ud800', '\udfff').chain((c) => fc.tuple(fc.string(), fc.string()).map(([a, b]) => JSON.stringify({ k: [a + c + b] })));
  fc.assert(fc.property(bad, (t) => assert.equal(scanJsonText(t).plain, false, t)), { numRuns: 500 });
});
