import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, PROBLEM_CONTENT_TYPE, problem, type FieldError } from '../lib/app-error.js';
import { validationErrors, type AjvError } from '../lib/validation-errors.js';

const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'MALFORMED_JSON'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'MALFORMED_JSON'],
  FST_ERR_BAD_URL: [400, 'BAD_REQUEST'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'URI_TOO_LONG'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'BAD_REQUEST'],
};

export function toProblem(error: FastifyError | AppError | Error): { status: number; code: string; detail: string; errors?: FieldError[]; headers?: Record<string, string> } {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, detail: error.message, errors: error.errors, headers: error.headers };
  }
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const errors = validationErrors(fe.validation);
    const where = fe.validationContext ?? 'request';
    const first = errors[0];
    return { status: 400, code: 'VALIDATION_FAILED', detail: `${where}${first ? `${first.path === '/' ? '' : first.path} ${first.message}` : ' is invalid'}`, errors };
  }
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return { status: mapped[0], code: mapped[1], detail: fe.message };
  if (error instanceof SyntaxError && fe.statusCode === 400) return { status: 400, code: 'MALFORMED_JSON', detail: error.message };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: fe.statusCode === 429 ? 'RATE_LIMITED' : 'BAD_REQUEST', detail: fe.message };
  }
  return { status: 500, code: 'INTERNAL', detail: 'an unexpected error occurred; it has been logged with the request id' };
}

export function sendProblem(reply: FastifyReply, p: ReturnType<typeof toProblem>): FastifyReply {
  if (p.headers) reply.headers(p.headers);
  if (p.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(p.status).type(PROBLEM_CONTENT_TYPE).send(problem(p.status, p.code, p.detail, p.errors));
}

/** One error mapper, one wire format: every failure is application/problem+json. */
export default fp(
  async function errors(app) {
    app.setErrorHandler(function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
      const p = toProblem(error);
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
