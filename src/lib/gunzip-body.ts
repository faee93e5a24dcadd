import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError } from './app-error.js';

/** What Fastify reads from a preParsing stream: the compressed size, checked against Content-Length. */
type DecodedPayload = Transform & { receivedEncodedLength: number };

const tooLarge = (limit: number) =>
  new AppError(413, 'PAYLOAD_TOO_LARGE', `request body is larger than ${limit} bytes once decompressed`);

/**
 * A request body with `Content-Encoding: gzip` as a stream of its decompressed bytes
 * (OTLP/HTTP exporters compress with gzip). The size limit applies to the decompressed body:
 * decompression stops as soon as it is exceeded (413), so a small "zip bomb" costs at most
 * `limit` bytes of work. Bad gzip data → 400 MALFORMED_GZIP. Other codings → 415.
 */
export function decodedBody(contentEncoding: string | undefined, payload: Readable, limit: number): Readable {
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return payload;
  if (coding !== 'gzip' && coding !== 'x-gzip') {
    throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${coding} is not supported; send gzip or no encoding`);
  }
  let decoded = 0;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      decoded += chunk.length;
      if (decoded > limit) callback(tooLarge(limit));
      else callback(null, chunk);
    },
  }) as DecodedPayload;
  out.receivedEncodedLength = 0;
  const gunzip = createGunzip();
  payload.on('data', (chunk: Buffer) => {
    out.receivedEncodedLength += chunk.length;
  });
  payload.on('error', (err) => out.destroy(err));
  gunzip.on('error', (err) => {
    out.destroy(new AppError(400, 'MALFORMED_GZIP', `request body is not valid gzip: ${err.message}`));
  });
  out.on('error', () => {
    payload.unpipe(gunzip);
    gunzip.destroy();
  });
  payload.pipe(gunzip).pipe(out);
  return out;
}
