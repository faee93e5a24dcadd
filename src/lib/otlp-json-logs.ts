import { decodeUtf8Body, parseJsonBody } from './json-body-text.js';
import { mapLogsRequest, type LogsMapping } from './otlp-mapping.js';

/** An OTLP/HTTP JSON logs body, as sent (decompressed), mapped: the same checks as any JSON body, then the OTLP mapping. */
export function mapJsonLogsBody(bytes: Buffer, now: number): LogsMapping {
  return mapLogsRequest(parseJsonBody(decodeUtf8Body(bytes)), now);
}

/** The raw bytes of a JSON logs body, left for the OTLP service to decode (off the request thread when large). */
export class JsonLogsBody {
  constructor(readonly bytes: Buffer) {}
}
