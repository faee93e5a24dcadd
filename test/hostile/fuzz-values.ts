import fc from 'fast-check';

/** JSON text that JSON.stringify cannot produce (-0, 2^53 + 1, 1e400): written as is. */
export class Raw {
  constructor(readonly text: string) {}
}

/** Serialises a generated value; Raw is written verbatim, own `__proto__` keys are kept. */
export function toJsonText(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Sets a key as an own property, even `__proto__` (plain assignment would change the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const RAW_NUMBERS = ['-0', '9007199254740993', '-9007199254740993', '9007199254740992', '1e400', '-1e400', '1e3', '1.0', '0.1e1', '123456789012345678901234567890', '5e-324', '1.7976931348623157e308'];

export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

export const weirdString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.string({ maxLength: 5 }), loneSurrogate, fc.string({ maxLength: 5 })).map(([a, s, b]) => a + s + b),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '__proto__',
    'constructor',
    "'; DROP TABLE tool_calls; --",
    "Robert'); --",
    '../../etc/passwd',
    'x'.repeat(201),
    'y'.repeat(5000),
    '2026-02-30T00:00:00Z',
    '2026-11-23T03:16:21',
    '1700000000000',
    '0193A0B2-7C1E-7D7A-9F6E-3C2B1A0F9E8D',
    'urn:uuid:0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d',
    '{0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d}',
    'success',
    'completed',
    'test',
    'admin',
    '@daily',
    '\uFEFF',
    '\u202E',
  ),
);

export const weirdNumber = fc.oneof(
  fc.integer(),
  fc.integer({ min: -1, max: 6 }),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1.5, 2 ** 53 - 1, -(2 ** 53 - 1), 1_700_000_000, 1_700_000_000_000, Date.now() + 25 * 3600_000, 978_307_199_999),
  fc.constantFrom(...RAW_NUMBERS).map((t) => new Raw(t)),
);

const leaf = fc.oneof(weirdString, weirdNumber, fc.boolean(), fc.constant(null));

/** Any JSON value, with keys that include prototype names and lone surrogates. */
export const weirdJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(fc.tuple(fc.oneof(weirdString, fc.constantFrom('__proto__', 'constructor', 'prototype', 'items', 'id')), tie('value')), { maxLength: 4 })
      .map((entries) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of entries) setOwn(o, k, v);
        return o;
      }),
  ),
})).value;

type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'add'; key: string; value: unknown }
  | { kind: 'proto'; key: '__proto__' | 'constructor'; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.oneof(leaf, weirdJson) }),
  fc.record({ kind: fc.constant('add' as const), key: weirdString, value: leaf }),
  fc.record({ kind: fc.constant('proto' as const), key: fc.constantFrom('__proto__' as const, 'constructor' as const), value: fc.constantFrom({}, { prototype: { x: 1 } }, 1) }),
);

/** Applies mutations to a copy of a valid body, at every level of nested objects (config, contextData). */
export function mutate(body: Record<string, unknown>, mutations: Mutation[]): Record<string, unknown> {
  const copy = structuredClone(body);
  for (const m of mutations) {
    const keys = Object.keys(copy);
    if (m.kind === 'add') setOwn(copy, m.key, m.value);
    else if (m.kind === 'proto') setOwn(copy, m.key, m.value);
    else if (keys.length > 0) {
      const key = keys[m.at % keys.length] as string;
      if (m.kind === 'drop') delete copy[key];
      else copy[key] = m.value;
    }
  }
  return copy;
}

/** A body for a route: a mutated valid body, a batch of them, or any JSON at all. */
export function bodyFor(valid: () => Record<string, unknown>, batch: boolean): fc.Arbitrary<unknown> {
  const mutated = fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => mutate(valid(), ms));
  const fresh = fc.constant(null).map(() => valid());
  const options: Array<fc.Arbitrary<unknown>> = [mutated, mutated, weirdJson, fresh];
  if (batch) {
    options.push(
      fc.array(fc.oneof(mutated, fresh), { minLength: 1, maxLength: 5 }).map((items) => ({ items })),
      fc.array(weirdJson, { maxLength: 3 }).map((items) => ({ items })),
    );
  }
  return fc.oneof(...options);
}
