import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { decodeUtf8Body, parseJsonBody } from '../lib/json-body-text.js';

type Done = (err: Error | null, body?: unknown) => void;

/** The JSON body parser of every route (routes with their own parser fall back to it). */
export function parseJsonRequest(request: FastifyRequest, bytes: string | Buffer, done: Done): void {
  try {
    const text = decodeUtf8Body(bytes as Buffer);
    // Many clients send Content-Type: application/json on every request: an empty body is
    // no body on routes that take none (POST /v1/retention/run, DELETE …).
    if (text.trim() === '' && !request.routeOptions.schema?.body) return done(null, undefined);
    done(null, parseJsonBody(text));
  } catch (err) {
    done(err as Error, undefined);
  }
}

/**
 * The only body parser: JSON. Every other media type (text/plain included) is a 415, so a
 * client that forgot its Content-Type learns it instead of seeing its body ignored.
 */
export default fp(
  async function jsonBody(app) {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJsonRequest);
  },
  { name: 'json-body' },
);
