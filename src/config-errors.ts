import type { TSchema } from '@sinclair/typebox';

type Shape = {
  type?: string;
  anyOf?: Array<{ const?: unknown }>;
  minimum?: number;
  maximum?: number;
  minLength?: number;
};

/**
 * What a setting accepts, in words, read from its TypeBox schema: "must be one of a, b, c",
 * "must be an integer from 0 to 65535". TypeBox's own messages ("Expected union value",
 * "Expected integer") name neither the allowed values nor the range, so every configuration
 * error is worded from the schema instead, and a new setting gets its wording for free.
 */
export function mustBe(schema: TSchema): string {
  const shape = schema as Shape;
  if (shape.anyOf?.every((choice) => choice.const !== undefined)) {
    return `must be one of ${shape.anyOf.map((choice) => String(choice.const)).join(', ')}`;
  }
  switch (shape.type) {
    case 'integer':
      return `must be ${integerRange(shape)}`;
    case 'boolean':
      return 'must be true or false (or 1 or 0)';
    case 'string':
      return shape.minLength && shape.minLength > 1 ? `must be at least ${shape.minLength} characters long` : 'must not be empty';
    case 'array':
      return 'must be a comma-separated list';
    default:
      return 'is not valid';
  }
}

function integerRange({ minimum, maximum }: Shape): string {
  if (minimum !== undefined && maximum !== undefined) return `an integer from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return `an integer of at least ${minimum}`;
  if (maximum !== undefined) return `an integer of at most ${maximum}`;
  return 'an integer';
}

/** A setting the service cannot run with: one line naming the variable, exit 2. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
