import { createRequire } from 'node:module';
import { AppError } from './app-error.js';

/**
 * OTLP/HTTP binary protobuf, decoded with the protobufjs code that the OpenTelemetry JS
 * project generates and ships in @opentelemetry/otlp-transformer (pinned to one version:
 * the generated root is not part of its public API). Decoded messages are turned into the
 * proto3 JSON shape (lowerCamelCase, 64-bit integers as strings, bytes as base64), so the
 * JSON and protobuf paths share one mapping. Loaded on first use: ~0.9 MB of code.
 */

type Message = object;
type MessageType = {
  decode(buffer: Uint8Array): Message;
  toObject(message: Message, options: object): Record<string, unknown>;
  encode(message: Message): { finish(): Uint8Array };
  fromObject(object: object): Message;
};
type Collector = { ExportLogsServiceRequest: MessageType; ExportLogsServiceResponse: MessageType; ExportMetricsServiceRequest: MessageType; ExportMetricsServiceResponse: MessageType };
type Root = { opentelemetry: { proto: { collector: { logs: { v1: Collector }; metrics: { v1: Collector } } } } };

export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';
const GENERATED_ROOT = '@opentelemetry/otlp-transformer/build/src/generated/root';
const TO_OBJECT = { longs: String, enums: String, bytes: String, defaults: false, arrays: false };

let root: Root | undefined;

function load(): Root {
  root ??= createRequire(import.meta.url)(GENERATED_ROOT) as Root;
  return root;
}

export type OtlpSignal = 'logs' | 'metrics';

function types(signal: OtlpSignal): { request: MessageType; response: MessageType } {
  const collector = load().opentelemetry.proto.collector;
  return signal === 'logs'
    ? { request: collector.logs.v1.ExportLogsServiceRequest, response: collector.logs.v1.ExportLogsServiceResponse }
    : { request: collector.metrics.v1.ExportMetricsServiceRequest, response: collector.metrics.v1.ExportMetricsServiceResponse };
}

/** An Export*ServiceRequest in protobuf → its proto3 JSON object; undecodable → 400 MALFORMED_PROTOBUF. */
export function decodeProtobuf(signal: OtlpSignal, body: Buffer): Record<string, unknown> {
  const { request } = types(signal);
  try {
    return request.toObject(request.decode(body), TO_OBJECT);
  } catch (err) {
    // protobufjs throws RangeError/Error on bad wire data (and deep nesting); all are the client's.
    const reason = err instanceof Error ? err.message : 'undecodable';
    throw new AppError(400, 'MALFORMED_PROTOBUF', `request body is not a protobuf Export${signal === 'logs' ? 'Logs' : 'Metrics'}ServiceRequest: ${reason}`);
  }
}

/** The Export*ServiceResponse in protobuf (an empty message encodes to zero bytes). */
export function encodeProtobufResponse(signal: OtlpSignal, response: object): Buffer {
  const type = types(signal).response;
  return Buffer.from(type.encode(type.fromObject(response)).finish());
}
