import { Ajv, type Options } from 'ajv';
import formatsPlugin from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { isValidEpochMs, isValidQueryTime, isValidTimeString } from './time.js';
import type { FieldError } from './app-error.js';
import { UUID_PATTERN } from './ids.js';
import { validationErrors, type AjvError } from './validation-errors.js';

const uuidRe = new RegExp(UUID_PATTERN);

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    useDefaults: true,
    removeAdditional: false,
    ...options,
  });
  // ajv-formats is CommonJS: under NodeNext its default import is the module object.
  const addFormats = (formatsPlugin as unknown as { default: (a: Ajv) => void }).default ?? formatsPlugin;
  addFormats(ajv);
  // Canonical UUIDs only (no urn:uuid: prefix, no braces); case is normalised by the services.
  ajv.addFormat('uuid', { type: 'string', validate: (s: string) => uuidRe.test(s) });
  ajv.addFormat('devflow-time', { type: 'string', validate: (s: string) => isValidTimeString(s) });
  ajv.addFormat('devflow-query-time', { type: 'string', validate: (s: string) => isValidQueryTime(s) });
  ajv.addFormat('devflow-epoch-ms', { type: 'number', validate: (n: number) => isValidEpochMs(n) });
  ajv.addKeyword({ keyword: 'example' });
  return ajv;
}

let sharedBodyAjv: Ajv | undefined;

const documentedOnly = new WeakSet<object>();

/**
 * Marks a body schema as documentation only: the route's service validates the body itself
 * (batch bodies, item by item, so a bad item is reported at its own path and, with
 * ?partial=true, rejected alone). Validating it here too would only repeat the work.
 */
export function documentOnly<T extends object>(schema: T): T {
  documentedOnly.add(schema);
  return schema;
}

/** The body validator as a function returning field errors (empty when valid), for batch items. */
export function compileBodyValidator(schema: object): (value: unknown, pathPrefix?: string) => FieldError[] {
  sharedBodyAjv ??= makeAjv({ coerceTypes: false });
  const validate = sharedBodyAjv.compile(schema);
  return (value, pathPrefix = '') => (validate(value) ? [] : validationErrors((validate.errors ?? []) as AjvError[], pathPrefix));
}

/**
 * Bodies are validated strictly: no coercion ("5" is not 5) and no silent removal of unknown
 * fields. Only querystring, params and headers are coerced from their string form.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const bodyAjv = makeAjv({ coerceTypes: false });
  const textAjv = makeAjv({ coerceTypes: 'array' });
  return ({ schema, httpPart }) => {
    if (httpPart !== 'body') return textAjv.compile(schema as object);
    return documentedOnly.has(schema as object) ? () => true : bodyAjv.compile(schema as object);
  };
}
