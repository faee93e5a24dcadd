/**
 * Request bodies in the three shapes real clients send (bench/ingest-shapes.ts):
 *   A  server-made: POST /v1/tool-calls, 1000 items with no id and no timestamp (the shape
 *      bench/ingest.ts has always sent: the server makes UUID v7 ids and stamps now);
 *   B  client-made: the same items, each with its own random UUID v4 `id` and the `timestamp`
 *      the client observed the call at (RFC 3339 with ms, up to OBSERVED_WITHIN_MS before the
 *      body was made, not monotonic across items);
 *   C  OTLP: POST /v1/logs, one resourceLogs → one scopeLogs → 512 `claude_code.tool_result`
 *      log records in the proto3 JSON mapping the OpenTelemetry JS exporter sends, each with
 *      a random `tool_use_id` (the server's id is its UUID v5, so a random one is a new call).
 * Every body is encoded once (a Buffer), so the load generator only copies it into the socket:
 * what a shape costs the client is the same in every round and outside the timed window. B and C
 * bodies record where their timestamps are (`Stamps`): restamp() writes them again just before
 * the body is sent, each as far before that moment as it was before the body's making, so a
 * body made seconds before its round still carries calls observed 0 to OBSERVED_WITHIN_MS ago.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { callFields } from './data.js';

export type Shape = 'A' | 'B' | 'C';
export const SHAPES: readonly Shape[] = ['A', 'B', 'C'];
export const SHAPE_PATH: Record<Shape, string> = { A: '/v1/tool-calls', B: '/v1/tool-calls', C: '/v1/logs' };
export const SHAPE_ROWS: Record<Shape, number> = { A: 1000, B: 1000, C: 512 };
export const SHAPE_LABEL: Record<Shape, string> = {
  A: 'A: server-made ids and times (batch of 1000)',
  B: 'B: client random UUID v4 + timestamp (batch of 1000)',
  C: 'C: OTLP /v1/logs, 512 tool_result records',
};

/**
 * How far before the body's making a client observed each call: uniform 0 to this many ms
 * (BENCH_OBSERVED_WITHIN_MS, default 5 s: Claude Code exports its events every 5 s, and a REST
 * client posts what it saw since its last post). 60 s makes a harsher run.
 */
export const OBSERVED_WITHIN_MS = Number(process.env.BENCH_OBSERVED_WITHIN_MS ?? 5000);

/** Where a body's timestamps are: byte offsets, how long before the send each one is, and its form (RFC 3339, or Unix ns). */
export type Stamps = { offsets: number[]; lagsMs: number[]; nanos: boolean[] };
export type Body = { bytes: Buffer; stamps?: Stamps };

/** Makes the bodies of one shape; `row` numbers every call it made, so the tool/session/status mix keeps moving. */
export type BodyMaker = { shape: Shape; next: () => Body };

/** Writes a body's timestamps again as of `now`, in place (same length: a 24-character RFC 3339 string, or the 13 ms digits of a ns string). */
export function restamp(body: Body, now = Date.now()): Buffer {
  const { bytes, stamps } = body;
  if (!stamps) return bytes;
  for (let k = 0; k < stamps.offsets.length; k += 1) {
    const at = now - (stamps.lagsMs[k] as number);
    bytes.write(stamps.nanos[k] ? String(at) : new Date(at).toISOString(), stamps.offsets[k] as number, 'latin1');
  }
  return bytes;
}

/** A body's text made of parts, with the byte offsets of the timestamps inside them. */
class StampedText {
  private readonly parts: string[] = [];
  private bytes = 0;
  private readonly stamps: Stamps = { offsets: [], lagsMs: [], nanos: [] };
  /** `stamps`: each found in `part` by its text, `skip` characters into it (a quote that makes the text unique). */
  add(part: string, stamps: Array<{ text: string; skip?: number; lagMs: number; nanos: boolean }> = []): void {
    for (const st of stamps) {
      const found = part.indexOf(st.text);
      if (found < 0) throw new Error(`timestamp ${st.text} not found in its part`);
      this.stamps.offsets.push(this.bytes + Buffer.byteLength(part.slice(0, found + (st.skip ?? 0))));
      this.stamps.lagsMs.push(st.lagMs);
      this.stamps.nanos.push(st.nanos);
    }
    this.parts.push(part);
    this.bytes += Buffer.byteLength(part);
  }
  body(): Body {
    return { bytes: Buffer.from(this.parts.join('')), stamps: this.stamps };
  }
}

export function bodyMaker(shape: Shape, sessions: string[]): BodyMaker {
  let row = 0;
  const fields = () => callFields(row++, sessions);
  if (shape === 'A') {
    // As bench/ingest.ts: the same item mix; without ids a body may be sent any number of times.
    return { shape, next: () => ({ bytes: Buffer.from(JSON.stringify({ items: Array.from({ length: SHAPE_ROWS.A }, fields) })) }) };
  }
  if (shape === 'B') {
    return {
      shape,
      next() {
        const made = Date.now();
        const text = new StampedText();
        text.add('{"items":[');
        for (let k = 0; k < SHAPE_ROWS.B; k += 1) {
          const lagMs = Math.floor(Math.random() * OBSERVED_WITHIN_MS);
          const timestamp = new Date(made - lagMs).toISOString();
          text.add((k ? ',' : '') + JSON.stringify({ id: randomUUID(), ...fields(), timestamp }), [{ text: timestamp, lagMs, nanos: false }]);
        }
        text.add(']}');
        return text.body();
      },
    };
  }
  return { shape, next: () => otlpBody(SHAPE_ROWS.C, fields) };
}

// ------------------------------------------------------------------ OTLP (shape C)

const s = (key: string, value: string) => `{"key":${JSON.stringify(key)},"value":{"stringValue":${JSON.stringify(value)}}}`;
/** proto3 JSON maps int64 to a decimal string (the JS exporter itself writes a number; the receiver takes both). */
const i = (key: string, value: number) => `{"key":"${key}","value":{"intValue":"${value}"}}`;

const RESOURCE =
  `{"attributes":[${s('service.name', 'claude-code')},${s('service.version', '2.1.158')},${s('os.type', 'linux')},${s('os.version', '6.8.0')},` +
  `${s('host.arch', 'x64')}],"droppedAttributesCount":0}`;
const SCOPE = '{"name":"com.anthropic.claude_code.events","version":"2.1.158"}';
const BODY = '{"stringValue":"claude_code.tool_result"}';
/** Who runs the agent: the same on every record Claude Code sends from one login. */
const ACCOUNT = `${s('user.account_uuid', randomUUID())},${s('organization.id', randomUUID())},${s('terminal.type', 'vscode')}`;

/** bench/lib/data.ts names MCP tools `mcp__<server>__<tool>`; Claude Code sends `mcp_tool` with tool_parameters (OTEL_LOG_TOOL_DETAILS=1). */
function toolAttributes(tool: string): string {
  const mcp = /^mcp__(.+?)__(.+)$/.exec(tool);
  if (!mcp) return s('tool_name', tool);
  return `${s('tool_name', 'mcp_tool')},${s('tool_parameters', JSON.stringify({ mcp_server_name: mcp[1], mcp_tool_name: mcp[2] }))}`;
}
const toolCache = new Map<string, string>();
const toolAttrs = (tool: string) => toolCache.get(tool) ?? toolCache.set(tool, toolAttributes(tool)).get(tool)!;

/** Claude Code's tool_use ids: "toolu_01" and 22 base62 characters. */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function toolUseIds(n: number): string[] {
  const bytes = randomBytes(n * 22);
  return Array.from({ length: n }, (_, k) => {
    let id = 'toolu_01';
    for (let c = 0; c < 22; c += 1) id += BASE62[(bytes[k * 22 + c] as number) % 62];
    return id;
  });
}

/** Nanoseconds as the exporter writes them (hrTime: ms plus a sub-ms part), a decimal string. */
const nanos = (ms: number) => `${ms}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

/**
 * One ExportLogsServiceRequest as JSON text, field for field what @opentelemetry/otlp-transformer
 * (JsonLogsSerializer) writes for Claude Code's events: undefined fields left out, attributes
 * as KeyValue lists. Built as text (not objects + JSON.stringify) so a pool of a few hundred
 * megabytes is made in seconds; bench/ingest-shapes.ts checks one body with the receiver's own
 * mapping before measuring. Calls take the session/tool/status mix of callFields.
 */
export function otlpBody(records: number, fields: () => ReturnType<typeof callFields>): Body {
  const made = Date.now();
  const ids = toolUseIds(records);
  const text = new StampedText();
  text.add(`{"resourceLogs":[{"resource":${RESOURCE},"scopeLogs":[{"scope":${SCOPE},"logRecords":[`);
  let prompt = '';
  for (let k = 0; k < records; k += 1) {
    const f = fields();
    // A prompt leads to a few tool calls.
    if (k % 8 === 0) prompt = s('prompt.id', randomUUID());
    const lagMs = Math.floor(Math.random() * OBSERVED_WITHIN_MS);
    const observedLagMs = Math.max(0, lagMs - Math.floor(Math.random() * 5));
    const outcome = f.status === 'success' ? s('success', 'true') : `${s('success', 'false')},${s('error_type', f.errorType as string)}`;
    const [time, seen, iso] = [nanos(made - lagMs), nanos(made - observedLagMs), new Date(made - lagMs).toISOString()];
    text.add(
      `${k ? ',' : ''}{"timeUnixNano":"${time}","observedTimeUnixNano":"${seen}","severityNumber":9,"body":${BODY},"attributes":[` +
        `${s('event.name', 'tool_result')},${s('event.timestamp', iso)},${i('event.sequence', k + 1)},` +
        `${s('session.id', f.sessionId)},${prompt},${ACCOUNT},${toolAttrs(f.toolName)},${s('tool_use_id', ids[k] as string)},` +
        `${outcome},${i('duration_ms', f.durationMs)},${s('decision_source', 'config')},${s('decision_type', 'accept')},` +
        `${i('tool_result_size_bytes', (f.durationMs * 7) % 20_000)}],"droppedAttributesCount":0}`,
      [
        { text: `"${time}"`, skip: 1, lagMs, nanos: true },
        { text: `"${seen}"`, skip: 1, lagMs: observedLagMs, nanos: true },
        { text: iso, lagMs, nanos: false },
      ],
    );
  }
  text.add(']}]}]}');
  return text.body();
}

/** A pool of distinct bodies, made before a round (the time it took is reported, never timed with the round). */
export function makePool(maker: BodyMaker, count: number): { bodies: Body[]; seconds: number; bytes: number } {
  const t0 = performance.now();
  const bodies = Array.from({ length: count }, maker.next);
  return { bodies, seconds: (performance.now() - t0) / 1000, bytes: bodies.reduce((n, b) => n + b.bytes.length, 0) };
}
