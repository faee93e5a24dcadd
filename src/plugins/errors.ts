import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, PROBLEM_CONTENT_TYPE, problem, type FieldError } from '../lib/app-error.js';
import { validationErrors, type AjvError } from '../lib/validation-errors.js';

const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'MALFORMED_JSON'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'MALFORMED_JSON'],
  FST_ERR_BAD_URL: [400, 'BAD_REQUEST'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'URI_TOO_LONG'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'BAD_REQUEST'],
};

type ProblemParts = { status: number; code: string; detail: string; errors?: FieldError[]; headers?: Record<string, string> };

/** The media types a route takes its body in: the `consumes` of its schema, else JSON only. */
export function acceptedMediaTypes(request?: FastifyRequest): string[] {
  const consumes = (request?.routeOptions.schema as { consumes?: unknown } | undefined)?.consumes;
  return Array.isArray(consumes) && consumes.length > 0 ? consumes.map(String) : ['application/json'];
}

/** A 415 that says what to send: the route's media types (or none), and what came instead. */
function unsupportedMediaType(request?: FastifyRequest): string {
  const given = request?.headers['content-type']?.trim();
  const sent = given ? `Content-Type ${given.slice(0, 100)} is not supported here` : 'the request has a body but no Content-Type header';
  if (request && !request.routeOptions.schema?.body) return `${sent}; this route takes no body: send none`;
  return `${sent}; send the body as ${acceptedMediaTypes(request).join(' or ')}`;
}

function validationProblem(validation: AjvError[], where: string, request?: FastifyRequest): ProblemParts {
  // No body at all where one is required (curl -X POST without -d): say what to send.
  if (where === 'body' && request && request.body === undefined) {
    const detail = `the request has no body; send a JSON object with Content-Type: ${acceptedMediaTypes(request).join(' or ')}`;
    return { status: 400, code: 'VALIDATION_FAILED', detail, errors: [{ path: '/', message: 'is required' }] };
  }
  const errors = validationErrors(validation);
  const first = errors[0];
  return { status: 400, code: 'VALIDATION_FAILED', detail: `${where}${first ? `${first.path === '/' ? '' : first.path} ${first.message}` : ' is invalid'}`, errors };
}

/** Any error as the problem the client gets; `request`, when known, makes some details name what the route accepts. */
export function toProblem(error: FastifyError | AppError | Error, request?: FastifyRequest): ProblemParts {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, detail: error.message, errors: error.errors, headers: error.headers };
  }
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) return validationProblem(fe.validation, fe.validationContext ?? 'request', request);
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: unsupportedMediaType(request) };
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return { status: mapped[0], code: mapped[1], detail: fe.message };
  if (error instanceof SyntaxError && fe.statusCode === 400) return { status: 400, code: 'MALFORMED_JSON', detail: error.message };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: fe.statusCode === 429 ? 'RATE_LIMITED' : 'BAD_REQUEST', detail: fe.message };
  }
  return { status: 500, code: 'INTERNAL', detail: 'an unexpected error occurred; it has been logged with the request id' };
}

export function sendProblem(reply: FastifyReply, p: ProblemParts): FastifyReply {
  if (p.headers) reply.headers(p.headers);
  if (p.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(p.status).type(PROBLEM_CONTENT_TYPE).send(problem(p.status, p.code, p.detail, p.errors));
}

/** One error mapper, one wire format: every failure is application/problem+json. */
export default fp(
  async function errors(app) {
    app.setErrorHandler(function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
      const p = toProblem(error, request);
      if (p.status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
      else request.log.info({ code: p.code, status: p.status }, 'request rejected');
      return sendProblem(reply, p);
    });
    app.setNotFoundHandler(function handleNotFound(request, reply) {
      return sendProblem(reply, { status: 404, code: 'NOT_FOUND', detail: `no route ${request.method} ${request.url.split('?')[0]}` });
    });
  },
  { name: 'errors' },
);
