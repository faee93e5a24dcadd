import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { compileBodyValidator } from '../../src/lib/validation.js';

const check = (schema: object, value: unknown) => compileBodyValidator(schema)(value);

test('an enum lists its values instead of "must be equal to one of the allowed values"', () => {
  const errors = check(Type.Object({ kind: Type.Unsafe({ type: 'string', enum: ['a', 'b', 'c'] }) }), { kind: 'z' });
  assert.deepEqual(errors, [{ path: '/kind', message: 'must be one of: a, b, c' }]);
});

test('a union of literals lists its values once, not "must be equal to constant" per branch', () => {
  const schema = Type.Object({ mode: Type.Union([Type.Literal('on'), Type.Literal('off'), Type.Literal(3)]) });
  assert.deepEqual(check(schema, { mode: 'maybe' }), [{ path: '/mode', message: 'must be one of: on, off, 3' }]);
});

test('a nullable union of literals says null is allowed too', () => {
  const schema = Type.Object({ mode: Type.Union([Type.Union([Type.Literal('on'), Type.Literal('off')]), Type.Null()]) });
  assert.deepEqual(check(schema, { mode: 'maybe' }), [{ path: '/mode', message: 'must be one of: on, off, null' }]);
});

test('a value of the wrong type gets the list too; fields without a list keep their messages', () => {
  const schema = Type.Object({ kind: Type.Unsafe({ type: 'string', enum: ['a', 'b'] }), n: Type.Union([Type.Integer(), Type.Null()]) }, { additionalProperties: false });
  const byPath = Object.fromEntries(check(schema, { kind: 5, n: 'x', extra: 1 }).map((e) => [e.path, e.message]));
  assert.deepEqual(byPath, { '/kind': 'must be one of: a, b', '/n': 'must be integer; must be null', '/extra': 'is not a known property' });
});

test('a union of a literal and another type keeps the other branch\'s message', () => {
  const schema = Type.Object({ limit: Type.Union([Type.Literal('all'), Type.Integer()]) });
  assert.deepEqual(check(schema, { limit: 'some' }), [{ path: '/limit', message: 'must be one of: all; must be integer' }]);
});
