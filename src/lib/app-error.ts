import { STATUS_CODES } from 'node:http';

export type FieldError = { path: string; message: string };

/** A failure the client can act on: it becomes an RFC 9457 problem with a stable code. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    options?: ErrorOptions,
  ) {
    super(detail, options);
  }
}

export const notFound = (detail: string, code = 'NOT_FOUND') => new AppError(404, code, detail);
export const conflict = (code: string, detail: string) => new AppError(409, code, detail);
export const unprocessable = (code: string, detail: string, errors?: FieldError[]) =>
  new AppError(422, code, detail, errors);
export const invalid = (detail: string, errors?: FieldError[]) =>
  new AppError(400, 'VALIDATION_FAILED', detail, errors);
export const unavailable = (code: string, detail: string, retryAfterSeconds = 1) =>
  new AppError(503, code, detail, undefined, { 'retry-after': String(retryAfterSeconds) });

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  instance?: string;
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `https://devflow.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}
