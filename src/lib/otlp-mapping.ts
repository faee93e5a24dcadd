import { invalid } from './app-error.js';
import { canonicalUuid, UUID_PATTERN, uuidV5 } from './ids.js';
import { decoded, noAttrs, readAttributes, type Attrs } from './otlp-attributes.js';
import { embedded, field, isObject, plainValue, repeated, type PlainValue } from './otlp-any-value.js';
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
/**
 * The events Claude Code sends (its "monitoring usage" reference), prefix removed, and
 * UNNAMED_EVENT. GET /metrics labels OTLP records with these names only: any other name came
 * from a client as it pleased and is counted there as `other`.
 */
export const KNOWN_EVENTS: readonly string[] = [TOOL_RESULT, 'tool_decision', 'user_prompt', 'api_request', 'api_error', UNNAMED_EVENT];

export type ToolCallStatus = 'success' | 'error' | 'timeout';

export type MappedToolCall = {
  /** Lower-case UUID (v5), as stored. */
  id: string;
  /** Lower-case UUID, as stored. */
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

class Reject extends Error {}

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

const isName = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** Within one request, what each distinct value sent came to: a batch repeats a few names and sessions. */
type Seen = { eventNames: Map<string, string>; sessionIds: Map<string, string> };

/**
 * The event name a record is counted under: `eventName`, else the event.name attribute, else
 * the body (read in that order, each only when the one before it is not a name).
 */
function eventNameOf(record: Record<string, unknown>, attrs: Attrs, seen: Seen): string {
  let name: unknown = field(record, 'eventName', 'event_name');
  if (!isName(name)) name = decoded(attrs.eventName);
  if (!isName(name)) name = plainValue(record.body);
  if (!isName(name)) return UNNAMED_EVENT;
  let counted = seen.eventNames.get(name);
  if (counted === undefined) {
    counted = countedName(name);
    seen.eventNames.set(name, counted);
  }
  return counted;
}

function countedName(name: string): string {
  if (!EVENT_NAME_RE.test(name)) return UNNAMED_EVENT;
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
function toolNameOf(attrs: Attrs): string {
  const sent = text(decoded(attrs.toolName));
  if (sent === null) throw new Reject('tool_name is missing');
  let name = sent;
  if (sent === 'mcp_tool' || sent.startsWith('mcp__')) {
    const params = parameters(decoded(attrs.toolParameters));
    const server = text(params?.mcp_server_name);
    const tool = text(params?.mcp_tool_name);
    if (server !== null && tool !== null) name = `${server}/${tool}`;
  }
  // Code points are never more than UTF-16 units: only a long name needs counting.
  if (name.length > MAX_NAME_LENGTH && Array.from(name).length > MAX_NAME_LENGTH) throw new Reject(`tool name is longer than ${MAX_NAME_LENGTH} characters`);
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

function succeeded(attrs: Attrs): boolean {
  const success = decoded(attrs.success);
  return success === true || success === 'true' || (typeof success === 'string' && success.trim().toLowerCase() === 'true');
}

/** A failed call's status: timeout when error_type or error says so. */
function failureOf(errorType: string | null, attrs: Attrs): ToolCallStatus {
  if (errorType !== null && TIMEOUT_RE.test(errorType)) return 'timeout';
  const error = text(decoded(attrs.error));
  return error !== null && TIMEOUT_RE.test(error) ? 'timeout' : 'error';
}

/** Unix nanoseconds (fixed64: number or decimal string) → epoch ms; 0 means "not set". */
export function nanosToMillis(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value === 0 ? undefined : Math.floor(value / 1e6);
  if (typeof value === 'string') return decimalNanosToMillis(value);
  return value === undefined ? undefined : Number.NaN;
}

/**
 * 1 to 20 decimal digits: whole milliseconds are the digits before the last six (at most 14:
 * exact in a double, without BigInt arithmetic); all zeros is "not set". Anything else: NaN.
 */
function decimalNanosToMillis(value: string): number | undefined {
  const n = value.length;
  if (n === 0 || n > 20) return Number.NaN;
  let ms = 0;
  let zeros = true;
  for (let i = 0; i < n; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    if (digit !== 0) zeros = false;
    if (i < n - 6) ms = ms * 10 + digit;
  }
  return zeros ? undefined : ms;
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
function timestampOf(record: Record<string, unknown>, attrs: Attrs, now: number): number {
  // Read one at a time: the first is nearly always there and valid.
  const time = nanosToMillis(field(record, 'timeUnixNano', 'time_unix_nano'));
  if (time !== undefined && isValidEpochMs(time, now)) return time;
  const observed = nanosToMillis(field(record, 'observedTimeUnixNano', 'observed_time_unix_nano'));
  if (observed !== undefined && isValidEpochMs(observed, now)) return observed;
  const event = eventTimestamp(decoded(attrs.eventTimestamp));
  if (event !== undefined && isValidEpochMs(event, now)) return event;
  if (time === undefined && observed === undefined && event === undefined) return now;
  throw new Reject('timestamp is not a time between 2001 and 24 h from now');
}

/**
 * The tool call id: uuidv5(tool_use_id). Without a tool_use_id it is derived from what
 * identifies the call anyway (session, time, tool, event.sequence), so a re-sent record is
 * still a duplicate.
 */
function toolCallIdOf(attrs: Attrs, sessionId: string, timestamp: number, toolName: string): string {
  const toolUseId = text(decoded(attrs.toolUseId));
  if (toolUseId !== null) return uuidV5(toolUseId, OTLP_NAMESPACE);
  const sequence = text(decoded(attrs.eventSequence)) ?? '';
  return uuidV5(`${sessionId}\n${timestamp}\n${toolName}\n${sequence}`, OTLP_NAMESPACE);
}

function toolCallOf(record: Record<string, unknown>, attrs: Attrs, path: string, now: number, seen: Seen): MappedToolCall {
  const rawSession = text(decoded(attrs.sessionId));
  if (rawSession === null) throw new Reject('session.id is missing');
  let sessionId = seen.sessionIds.get(rawSession);
  if (sessionId === undefined) {
    sessionId = sessionIdFor(rawSession);
    seen.sessionIds.set(rawSession, sessionId);
  }
  const toolName = toolNameOf(attrs);
  const durationMs = durationOf(decoded(attrs.durationMs));
  const timestamp = timestampOf(record, attrs, now);
  let status: ToolCallStatus = 'success';
  let errorType: string | null = null;
  if (!succeeded(attrs)) {
    errorType = text(decoded(attrs.errorType));
    status = failureOf(errorType, attrs);
  }
  return { id: toolCallIdOf(attrs, sessionId, timestamp, toolName), sessionId, toolName, durationMs, status, errorType: clipped(errorType), timestamp, path };
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
  const seen: Seen = { eventNames: new Map(), sessionIds: new Map() };
  const resourceLogs = repeated(body, 'resourceLogs', 'resource_logs', '');
  for (let i = 0; i < resourceLogs.length; i++) {
    const rl = resourceLogs[i];
    const rlPath = `/resourceLogs/${i}`;
    if (!isObject(rl)) throw invalid(`body${rlPath} must be an object`, [{ path: rlPath, message: 'must be an object' }]);
    // Read once for all of the resource's records; each record's own attributes go over a copy.
    const resourceAttrs = readAttributes(embedded(rl, 'resource', 'resource', rlPath), `${rlPath}/resource`, noAttrs());
    const scopeLogs = repeated(rl, 'scopeLogs', 'scope_logs', rlPath);
    for (let j = 0; j < scopeLogs.length; j++) {
      const sl = scopeLogs[j];
      const slPath = `${rlPath}/scopeLogs/${j}`;
      if (!isObject(sl)) throw invalid(`body${slPath} must be an object`, [{ path: slPath, message: 'must be an object' }]);
      const records = repeated(sl, 'logRecords', 'log_records', slPath);
      const recordsPath = `${slPath}/logRecords/`;
      for (let k = 0; k < records.length; k++) {
        const record = records[k];
        const path = recordsPath + k;
        if (!isObject(record)) throw invalid(`body${path} must be an object`, [{ path, message: 'must be an object' }]);
        const attrs = readAttributes(record, path, { ...resourceAttrs });
        const name = eventNameOf(record, attrs, seen);
        counts.set(name, (counts.get(name) ?? 0) + 1);
        if (name !== TOOL_RESULT) continue;
        let call: MappedToolCall;
        try {
          call = toolCallOf(record, attrs, path, now, seen);
        } catch (err) {
          if (!(err instanceof Reject)) throw err;
          result.rejected.push({ path, reason: err.message });
          continue;
        }
        result.toolCalls.push(call);
        const known = sessions.get(call.sessionId);
        if (known) {
          known.startedAt = Math.min(known.startedAt, call.timestamp);
          known.project ??= clipped(text(decoded(attrs.project)));
          known.profile ??= profileOf(decoded(attrs.profile));
        } else {
          sessions.set(call.sessionId, {
            id: call.sessionId,
            project: clipped(text(decoded(attrs.project))),
            profile: profileOf(decoded(attrs.profile)),
            startedAt: call.timestamp,
          });
        }
      }
    }
  }
  result.sessions = [...sessions.values()];
  result.counts = Object.fromEntries(counts);
  return result;
}
