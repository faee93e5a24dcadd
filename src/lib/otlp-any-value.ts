import { invalid } from './app-error.js';

/**
 * OTLP `AnyValue` and `KeyValue` lists in the proto3 JSON mapping
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase keys
 * (the original snake_case names are accepted too, as proto3 JSON parsers must), 64-bit
 * integers as numbers or decimal strings, `null` meaning "not set".
 */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A message field by its JSON name or its proto field name; null counts as absent. */
export function field(message: Json, jsonName: string, protoName: string): unknown {
  const value = message[jsonName] ?? message[protoName];
  return value === null ? undefined : value;
}

/** A repeated message field: absent → [], anything but an array → 400 at `path`. */
export function repeated(message: Json, jsonName: string, protoName: string, path: string): unknown[] {
  const value = field(message, jsonName, protoName);
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`body${path}/${jsonName} must be an array`, [{ path: `${path}/${jsonName}`, message: 'must be an array' }]);
  return value;
}

/** An embedded message: absent → {}, anything but an object → 400 at `path`. */
export function embedded(message: Json, jsonName: string, protoName: string, path: string): Json {
  const value = field(message, jsonName, protoName);
  if (value === undefined) return {};
  if (!isObject(value)) throw invalid(`body${path}/${jsonName} must be an object`, [{ path: `${path}/${jsonName}`, message: 'must be an object' }]);
  return value;
}

const DOUBLE = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A proto int64 as a JS number when exact; a decimal string beyond 2^53 stays a string. */
function int64(value: unknown): number | string | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !isInt64Text(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

/** An optional minus and 1 to 20 decimal digits (read without a regular expression: one per integer attribute). */
function isInt64Text(value: string): boolean {
  const start = value.charCodeAt(0) === 45 ? 1 : 0;
  const digits = value.length - start;
  if (digits < 1 || digits > 20) return false;
  for (let i = start; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function double(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return DOUBLE.test(value) ? Number(value) : undefined;
}

function kvlist(list: unknown): { [key: string]: PlainValue } {
  const values = isObject(list) ? field(list, 'values', 'values') : undefined;
  if (!Array.isArray(values)) return {};
  // fromEntries defines own properties, so a "__proto__" key cannot reach the prototype.
  return Object.fromEntries(
    values.filter((kv): kv is Json => isObject(kv) && typeof kv.key === 'string').map((kv) => [kv.key as string, plainValue(kv.value)]),
  );
}

/**
 * An AnyValue as a plain JS value: the first variant set wins; `{}` and malformed variants
 * are null (a value the mapping cannot use, never a reason to refuse the whole request).
 * bytesValue stays its base64 text.
 */
export function plainValue(any: unknown): PlainValue {
  if (!isObject(any)) return null;
  const s = field(any, 'stringValue', 'string_value');
  if (s !== undefined) return typeof s === 'string' ? s : null;
  const b = field(any, 'boolValue', 'bool_value');
  if (b !== undefined) return typeof b === 'boolean' ? b : b === 'true' ? true : b === 'false' ? false : null;
  const i = field(any, 'intValue', 'int_value');
  if (i !== undefined) return int64(i) ?? null;
  const d = field(any, 'doubleValue', 'double_value');
  if (d !== undefined) return double(d) ?? null;
  const a = field(any, 'arrayValue', 'array_value');
  if (a !== undefined) {
    const values = isObject(a) ? field(a, 'values', 'values') : undefined;
    return Array.isArray(values) ? values.map(plainValue) : [];
  }
  const kv = field(any, 'kvlistValue', 'kvlist_value');
  if (kv !== undefined) return kvlist(kv);
  const bytes = field(any, 'bytesValue', 'bytes_value');
  if (bytes !== undefined) return typeof bytes === 'string' ? bytes : null;
  return null;
}
