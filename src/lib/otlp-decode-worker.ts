import { parentPort } from 'node:worker_threads';
import { AppError } from './app-error.js';
import { mapJsonLogsBody } from './otlp-json-logs.js';
import type { DecodeReply, DecodeRequest } from './otlp-decode-pool.js';

/** A decode thread of otlp-decode-pool.ts: bodies in, mappings (or the client's error) out. */
function serve(port: NonNullable<typeof parentPort>): void {
  port.on('message', function decode({ id, bytes, now }: DecodeRequest) {
    let reply: DecodeReply;
    try {
      reply = { id, mapping: mapJsonLogsBody(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), now) };
    } catch (err) {
      reply = err instanceof AppError
        ? { id, clientError: { status: err.status, code: err.code, detail: err.message, errors: err.errors } }
        : { id, failed: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
}

if (parentPort) serve(parentPort);
