import { isObject, plainValue, repeated, type PlainValue } from './otlp-any-value.js';

/** An attribute the message does not send (one sent without a value is `undefined`). */
const ABSENT: unique symbol = Symbol('absent');

/**
 * The log record attributes the OTLP mapping (otlp-mapping.ts) reads: Claude Code's names (its
 * "monitoring usage" documentation) and devflow's own. Values stay encoded until read, so an odd
 * attribute nobody reads cannot spoil a record. One object of fixed fields, filled in one pass
 * over the list with every other attribute passed over: a Map of all of a record's attributes
 * was most of what mapping a record cost.
 */
export type Attrs = {
  eventName: unknown;
  eventTimestamp: unknown;
  eventSequence: unknown;
  sessionId: unknown;
  toolName: unknown;
  toolParameters: unknown;
  toolUseId: unknown;
  success: unknown;
  durationMs: unknown;
  errorType: unknown;
  error: unknown;
  project: unknown;
  profile: unknown;
};

export const noAttrs = (): Attrs => ({
  eventName: ABSENT,
  eventTimestamp: ABSENT,
  eventSequence: ABSENT,
  sessionId: ABSENT,
  toolName: ABSENT,
  toolParameters: ABSENT,
  toolUseId: ABSENT,
  success: ABSENT,
  durationMs: ABSENT,
  errorType: ABSENT,
  error: ABSENT,
  project: ABSENT,
  profile: ABSENT,
});

/**
 * A message's `attributes` written over `into`: a record's over a copy of its resource's, so
 * record attributes override resource ones. The list must be an array (else 400 at `path`);
 * a repeated key keeps its last value.
 */
export function readAttributes(message: Record<string, unknown>, path: string, into: Attrs): Attrs {
  for (const kv of repeated(message, 'attributes', 'attributes', path)) {
    if (!isObject(kv)) continue;
    const value = kv.value;
    switch (kv.key) {
      case 'event.name': into.eventName = value; break;
      case 'event.timestamp': into.eventTimestamp = value; break;
      case 'event.sequence': into.eventSequence = value; break;
      case 'session.id': into.sessionId = value; break;
      case 'tool_name': into.toolName = value; break;
      case 'tool_parameters': into.toolParameters = value; break;
      case 'tool_use_id': into.toolUseId = value; break;
      case 'success': into.success = value; break;
      case 'duration_ms': into.durationMs = value; break;
      case 'error_type': into.errorType = value; break;
      case 'error': into.error = value; break;
      case 'devflow.project': into.project = value; break;
      case 'devflow.profile': into.profile = value; break;
    }
  }
  return into;
}

/** An attribute's value, decoded (otlp-any-value.ts); undefined when not sent or sent without a value. */
export function decoded(raw: unknown): PlainValue | undefined {
  return raw === ABSENT || raw === undefined ? undefined : plainValue(raw);
}
