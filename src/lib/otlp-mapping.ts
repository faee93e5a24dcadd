import { invalid } from './app-error.js';
import { canonicalUuid, UUID_PATTERN, uuidV5 } from './ids.js';
import { attributeMap, embedded, field, isObject, plainValue, repeated, type PlainValue } from './otlp-any-value.js';
import { isValidEpochMs, parseRfc3339 } from './time.js';

/**
 * OTLP logs → tool calls (contract "OpenTelemetry ingest"). Pure: no database, no clock
 * (`now` is passed in). Claude Code's events are described in its "monitoring usage"
 * documentation; the attribute names below are the ones it sends.
 */

/**
 * The fixed UUID v5 namespace of every id made from OTLP data: a tool call's id is
 * uuidv5(tool_use_id, OTLP_NAMESPACE) and a non-UUID session.id becomes
 * uuidv5(session.id, OTLP_NAMESPACE). It never changes, so a re-sent record is a duplicate.
 */
export const OTLP_NAMESPACE = 'ef4a68e3-cd01-4082-9743-53d1c191c60c';

/** Event names are counted without Claude Code's `claude_code.` prefix. */
export const EVENT_PREFIX = 'claude_code.';
export const TOOL_RESULT = 'tool_result';
/** Records with no usable event name are counted under this name. */
export const UNNAMED_EVENT = 'unknown';

export type ToolCallStatus = 'success' | 'error' | 'timeout';

export type MappedToolCall = {
  id: string;
  sessionId: string;
  toolName: string;
  durationMs: number;
  status: ToolCallStatus;
  errorType: string | null;
  /** epoch ms */
  timestamp: number;
  /** JSON pointer of the log record, for rejection messages. */
  path: string;
};

export type MappedSession = {
  id: string;
  project: string | null;
  /** devflow.profile as sent: a name, or an id (integer or all-digit string). */
  profile: string | number | null;
  /** The earliest time of its records in the request (epoch ms). */
  startedAt: number;
};

export type RecordRejection = { path: string; reason: string };

export type LogsMapping = {
  toolCalls: MappedToolCall[];
  sessions: MappedSession[];
  /** Log records by event name (prefix removed), tool_result included. */
  counts: Record<string, number>;
  /** tool_result records that could not become a tool call. */
  rejected: RecordRejection[];
};

/** The REST API's limits (schemas/tool-calls.ts, schemas/sessions.ts), in code points. */
export const MAX_NAME_LENGTH = 200;

const UUID_RE = new RegExp(UUID_PATTERN);
const EVENT_NAME_RE = /^[\w.:/-]{1,100}$/;
/** "TimeoutError", "timeout", "timed out", "ETIMEDOUT", "TIMED_OUT", "times out". */
const TIMEOUT_RE = /time[ds]?[\s_-]?out/i;
const DECIMAL_NANOS = /^\d{1,20}$/;
const ALL_ZEROS = /^0+$/;

class Reject extends Error {}

type Attrs = { get(key: string): PlainValue | undefined };

/** Record attributes override resource attributes. */
function layered(record: Map<string, unknown>, resource: Map<string, unknown>): Attrs {
  return {
    get(key) {
      const raw = record.has(key) ? record.get(key) : resource.get(key);
      return raw === undefined ? undefined : plainValue(raw);
    },
  };
}

function text(value: PlainValue | undefined): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Free text cut to the API's limit on a code-point boundary (never a lone surrogate). */
function clipped(value: string | null): string | null {
  if (value === null || value.length <= MAX_NAME_LENGTH) return value;
  return Array.from(value).slice(0, MAX_NAME_LENGTH).join('');
}

export function eventNameOf(record: Record<string, unknown>, attrs: Attrs): string {
  const candidates = [field(record, 'eventName', 'event_name'), attrs.get('event.name'), plainValue(record.body)];
  const name = candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
  if (name === undefined || !EVENT_NAME_RE.test(name)) return UNNAMED_EVENT;
  const bare = name.startsWith(EVENT_PREFIX) ? name.slice(EVENT_PREFIX.length) : name;
  // Names become object keys in counters: "__proto__" or "constructor" must not reach them.
  return bare in Object.prototype ? UNNAMED_EVENT : bare;
}

/** session.id as stored: a UUID as is (lower case), anything else its UUID v5. */
export function sessionIdFor(value: string): string {
  return UUID_RE.test(value) ? canonicalUuid(value) : uuidV5(value, OTLP_NAMESPACE);
}

/**
 * MCP calls (tool_name "mcp_tool" or "mcp__…") are named "<mcp_server_name>/<mcp_tool_name>"
 * when tool_parameters carries both; otherwise, and for every other tool, tool_name as sent.
 */
export function toolNameOf(attrs: Attrs): string {
  const sent = text(attrs.get('tool_name'));
  if (sent === null) throw new Reject('tool_name is missing');
  let name = sent;
  if (sent === 'mcp_tool' || sent.startsWith('mcp__')) {
    const params = parameters(attrs.get('tool_parameters'));
    const server = text(params?.mcp_server_name);
    const tool = text(params?.mcp_tool_name);
    if (server !== null && tool !== null) name = `${server}/${tool}`;
  }
  if (Array.from(name).length > MAX_NAME_LENGTH) throw new Reject(`tool name is longer than ${MAX_NAME_LENGTH} characters`);
  return name;
}

function parameters(value: PlainValue | undefined): Record<string, PlainValue> | null {
  if (isObject(value)) return value as Record<string, PlainValue>;
  if (typeof value !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return isObject(parsed) ? (parsed as Record<string, PlainValue>) : null;
  } catch {
    return null;
  }
}

export function durationOf(value: PlainValue | undefined): number {
  if (value === undefined) throw new Reject('duration_ms is missing');
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw new Reject('duration_ms is not a number');
  if (n < 0) throw new Reject('duration_ms must be >= 0');
  const ms = Math.round(n);
  if (!Number.isSafeInteger(ms)) throw new Reject('duration_ms is too large');
  return ms;
}

export function statusOf(attrs: Attrs): { status: ToolCallStatus; errorType: string | null } {
  const success = attrs.get('success');
  if (success === true || (typeof success === 'string' && success.trim().toLowerCase() === 'true')) return { status: 'success', errorType: null };
  const errorType = text(attrs.get('error_type'));
  const error = text(attrs.get('error'));
  const timedOut = [errorType, error].some((s) => s !== null && TIMEOUT_RE.test(s));
  return { status: timedOut ? 'timeout' : 'error', errorType: clipped(errorType) };
}

/** Unix nanoseconds (fixed64: number or decimal string) → epoch ms; 0 means "not set". */
export function nanosToMillis(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value === 0 ? undefined : Math.floor(value / 1e6);
  if (typeof value === 'string' && DECIMAL_NANOS.test(value)) {
    // Whole milliseconds are the digits before the last six: exact, without BigInt arithmetic.
    if (ALL_ZEROS.test(value)) return undefined;
    return value.length > 6 ? Number(value.slice(0, -6)) : 0;
  }
  return value === undefined ? undefined : Number.NaN;
}

function eventTimestamp(value: PlainValue | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? (parseRfc3339(value) ?? Number.NaN) : Number.NaN;
}

/**
 * timeUnixNano, then observedTimeUnixNano, then the event.timestamp attribute; the first
 * valid one wins. None given → now. Given but none valid (before 2001, more than 24 h
 * ahead, not a time) → the record is rejected rather than stored at a made-up time.
 */
export function timestampOf(record: Record<string, unknown>, attrs: Attrs, now: number): number {
  // Read one at a time: the first is nearly always there and valid.
  const candidates = [
    () => nanosToMillis(field(record, 'timeUnixNano', 'time_unix_nano')),
    () => nanosToMillis(field(record, 'observedTimeUnixNano', 'observed_time_unix_nano')),
    () => eventTimestamp(attrs.get('event.timestamp')),
  ];
  let given = false;
  for (const candidate of candidates) {
    const ms = candidate();
    if (ms === undefined) continue;
    if (isValidEpochMs(ms, now)) return ms;
    given = true;
  }
  if (!given) return now;
  throw new Reject('timestamp is not a time between 2001 and 24 h from now');
}

/**
 * The tool call id: uuidv5(tool_use_id). Without a tool_use_id it is derived from what
 * identifies the call anyway (session, time, tool, event.sequence), so a re-sent record is
 * still a duplicate.
 */
export function toolCallIdOf(attrs: Attrs, sessionId: string, timestamp: number, toolName: string): string {
  const toolUseId = text(attrs.get('tool_use_id'));
  if (toolUseId !== null) return uuidV5(toolUseId, OTLP_NAMESPACE);
  const sequence = text(attrs.get('event.sequence')) ?? '';
  return uuidV5(`${sessionId}\n${timestamp}\n${toolName}\n${sequence}`, OTLP_NAMESPACE);
}

function toolCallOf(record: Record<string, unknown>, attrs: Attrs, path: string, now: number): MappedToolCall {
  const rawSession = text(attrs.get('session.id'));
  if (rawSession === null) throw new Reject('session.id is missing');
  const sessionId = sessionIdFor(rawSession);
  const toolName = toolNameOf(attrs);
  const durationMs = durationOf(attrs.get('duration_ms'));
  const timestamp = timestampOf(record, attrs, now);
  const { status, errorType } = statusOf(attrs);
  return { id: toolCallIdOf(attrs, sessionId, timestamp, toolName), sessionId, toolName, durationMs, status, errorType, timestamp, path };
}

function profileOf(value: PlainValue | undefined): string | number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  return text(value);
}

/**
 * Maps an ExportLogsServiceRequest (already JSON-decoded). A body whose containers are not
 * the OTLP shape is a 400 (AppError VALIDATION_FAILED with the JSON pointer); a tool_result
 * record that cannot be used is only rejected (OTLP partialSuccess).
 */
export function mapLogsRequest(body: unknown, now: number): LogsMapping {
  if (!isObject(body)) throw invalid('body must be an OTLP ExportLogsServiceRequest object', [{ path: '/', message: 'must be an object' }]);
  const result: LogsMapping = { toolCalls: [], sessions: [], counts: {}, rejected: [] };
  const sessions = new Map<string, MappedSession>();
  const counts = new Map<string, number>();
  repeated(body, 'resourceLogs', 'resource_logs', '').forEach((rl, i) => {
    const rlPath = `/resourceLogs/${i}`;
    if (!isObject(rl)) throw invalid(`body${rlPath} must be an object`, [{ path: rlPath, message: 'must be an object' }]);
    const resourceAttrs = attributeMap(embedded(rl, 'resource', 'resource', rlPath), `${rlPath}/resource`);
    repeated(rl, 'scopeLogs', 'scope_logs', rlPath).forEach((sl, j) => {
      const slPath = `${rlPath}/scopeLogs/${j}`;
      if (!isObject(sl)) throw invalid(`body${slPath} must be an object`, [{ path: slPath, message: 'must be an object' }]);
      repeated(sl, 'logRecords', 'log_records', slPath).forEach((record, k) => {
        const path = `${slPath}/logRecords/${k}`;
        if (!isObject(record)) throw invalid(`body${path} must be an object`, [{ path, message: 'must be an object' }]);
        const attrs = layered(attributeMap(record, path), resourceAttrs);
        const name = eventNameOf(record, attrs);
        counts.set(name, (counts.get(name) ?? 0) + 1);
        if (name !== TOOL_RESULT) return;
        try {
          const call = toolCallOf(record, attrs, path, now);
          result.toolCalls.push(call);
          const known = sessions.get(call.sessionId);
          if (known) {
            known.startedAt = Math.min(known.startedAt, call.timestamp);
            known.project ??= clipped(text(attrs.get('devflow.project')));
            known.profile ??= profileOf(attrs.get('devflow.profile'));
          } else {
            sessions.set(call.sessionId, {
              id: call.sessionId,
              project: clipped(text(attrs.get('devflow.project'))),
              profile: profileOf(attrs.get('devflow.profile')),
              startedAt: call.timestamp,
            });
          }
        } catch (err) {
          if (!(err instanceof Reject)) throw err;
          result.rejected.push({ path, reason: err.message });
        }
      });
    });
  });
  result.sessions = [...sessions.values()];
  result.counts = Object.fromEntries(counts);
  return result;
}
