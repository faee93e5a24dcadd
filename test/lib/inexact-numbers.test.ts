import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWholeLiteral } from '../../src/lib/inexact-numbers.js';
import { findRoundedInteger } from '../../src/lib/json-text-scan.js';

test('whole literals are told from ones that only round to a whole double', () => {
  for (const whole of ['0', '-0', '1', '1.0', '1.000', '1e3', '1E+3', '120e-1', '0.0e5', '-25.00', '1.5e1']) assert.equal(isWholeLiteral(whole), true, whole);
  for (const notWhole of ['1.5', '1.0000000000000001', '1795443930711.0000001', '1e-400', '15e-1', '0.1']) assert.equal(isWholeLiteral(notWhole), false, notWhole);
});

test('findRoundedInteger finds number tokens that parse to an integer they are not, and ignores strings', () => {
  assert.equal(findRoundedInteger('{"durationMs":1.0000000000000001}'), '1.0000000000000001');
  assert.equal(findRoundedInteger('{"a":[1, 2.5, 3e2, {"t":1795443930711.0000001}]}'), '1795443930711.0000001');
  assert.equal(findRoundedInteger('{"durationMs":12,"ratio":0.35,"n":1.0,"e":2e3}'), null);
  assert.equal(findRoundedInteger('{"toolName":"v1.0000000000000001 \\" 1.0000000000000001"}'), null);
  assert.equal(findRoundedInteger('{"x":1}'), null);
});

test('bodies without a fractional or exponent number skip the scan; those with one anywhere are scanned', () => {
  assert.equal(findRoundedInteger('{"sessionId":"0190e4a2-1e5b-7c3d-8e9f-0a1b2c3d4e5f","durationMs":12}'), null);
  assert.equal(findRoundedInteger('[1.0000000000000001]'), '1.0000000000000001');
  assert.equal(findRoundedInteger('{"a": [ 7,\n  2.00000000000000001e0]}'), '2.00000000000000001e0');
});
