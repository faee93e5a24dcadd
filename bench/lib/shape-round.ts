/**
 * One timed round of one shape against a running server (bench/ingest-shapes.ts), and the
 * checks that make its figure trustworthy:
 *   - every body is sent at most once (B and C carry ids: a re-sent id is a duplicate, stored
 *     once, which would flatter the rate); A's bodies have no ids and are cycled like bench/ingest.ts;
 *   - the round runs leadSeconds of load before its timed window, so the server's backlog of
 *     staged calls is as large when the window starts as when it ends (a window that started
 *     with none would count calls whose moving it never paid for);
 *   - rows/s counts the rows the answers in the window said were stored (accepted), not the
 *     rows sent; the CPU per row is the window's;
 *   - over the whole round (GET /v1/stats before and after; stats moves staged calls first),
 *     the rows added must equal what the server counted as accepted, and lie between what the
 *     answers said was accepted and that plus the rows of requests still in flight when the load
 *     stopped (autocannon drops those connections; the server still commits them);
 *   - no duplicate, no rejected item, no non-2xx answer, no socket error or timeout.
 * A round that fails a check keeps its figures and lists what failed in `flags`.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { cpuMicros, mainThreadMicros } from './cpu.js';
import type { LoadResult } from './load.js';
import { restamp, SHAPE_PATH, SHAPE_ROWS, type Body, type BodyMaker, type Shape } from './shape-bodies.js';

type Request = { method: string; path: string; headers: Record<string, string>; setupRequest: (req: Record<string, unknown>) => Record<string, unknown>; onResponse: (status: number, body: string) => void };
type Options = { url: string; connections: number; duration: number; requests: Request[] };
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Options) => Promise<LoadResult & { latency: { p90: number; p99: number } }>;

export type Stats = { toolCalls: number; accepted: number; duplicates: number; rejected: number };

/** GET /v1/stats: tool_calls rows (staged calls moved first) and the server's ingest counters. */
export async function readStats(url: string, key: string): Promise<Stats> {
  const res = await fetch(`${url}/v1/stats`, { headers: { authorization: `Bearer ${key}` } });
  if (res.status !== 200) throw new Error(`GET /v1/stats: ${res.status} ${await res.text()}`);
  const s = (await res.json()) as { tables: { toolCalls: number }; ingest: { accepted: number; duplicates: number; rejected: number } };
  return { toolCalls: s.tables.toolCalls, accepted: s.ingest.accepted, duplicates: s.ingest.duplicates, rejected: s.ingest.rejected };
}

export type RoundResult = {
  shape: Shape;
  /** 'warmup', or the round's place in A B C A B C (1-based per shape). */
  round: number | 'warmup';
  seconds: number;
  /** tool_calls rows when the round started: the table grows with every round (A's add most). */
  callsBefore: number;
  /** Bodies handed to autocannon (each sent once) and answers read. */
  sent: number;
  answered: number;
  non2xx: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  rowsSent: number;
  /** Items the answers said were stored (C: records minus partialSuccess.rejectedLogRecords). */
  answeredAccepted: number;
  /** Rows added to tool_calls, and the server's own counters, over the round. */
  stored: number;
  serverAccepted: number;
  duplicates: number;
  rejected: number;
  rowsPerSec: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  maxMs: number;
  /** Server CPU (all threads, and the request thread) and bench-process CPU per stored row, µs. */
  cpuUsPerRow: number;
  mainCpuUsPerRow: number;
  clientCpuUsPerRow: number;
  pool: { bodies: number; bytesPerBody: number; genSeconds: number; madeInWindow: number };
  flags: string[];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one answer says was stored. */
function acceptedOf(shape: Shape, status: number, body: string): number {
  if (status < 200 || status >= 300) return 0;
  try {
    const parsed = JSON.parse(body) as { accepted?: number; partialSuccess?: { rejectedLogRecords?: string } };
    if (shape === 'C') return SHAPE_ROWS.C - Number(parsed.partialSuccess?.rejectedLogRecords ?? 0);
    return parsed.accepted ?? 0;
  } catch {
    return 0;
  }
}

export async function runRound(opts: {
  url: string;
  key: string;
  adminKey: string;
  serverPid: number;
  shape: Shape;
  round: number | 'warmup';
  seconds: number;
  connections: number;
  pool: { bodies: Body[]; seconds: number; bytes: number };
  /**
   * Seconds of the same load before the timed window: the server's backlog (calls staged, not
   * yet moved) is then as large when the window starts as when it ends, so the window pays for
   * as much moving as the calls it counts bring.
   */
  leadSeconds: number;
  /** Makes a body when the pool runs out (B, C): counted, and flagged, since it runs inside the window. */
  maker: BodyMaker;
}): Promise<RoundResult> {
  const { shape, pool } = opts;
  const rows = SHAPE_ROWS[shape];
  let next = 0;
  let madeInWindow = 0;
  let answered = 0;
  let answeredAccepted = 0;
  const statuses: Record<string, number> = {};
  const body = (): Buffer => {
    const i = next++;
    if (shape === 'A') return (pool.bodies[i % pool.bodies.length] as Body).bytes;
    const pooled = pool.bodies[i];
    if (pooled) {
      pool.bodies[i] = { bytes: Buffer.alloc(0) }; // sent: never again, and its memory can go
      return restamp(pooled);
    }
    madeInWindow += 1;
    return opts.maker.next().bytes;
  };

  const before = await readStats(opts.url, opts.adminKey);
  const snapshot = () => ({ at: performance.now(), accepted: answeredAccepted, answered, cpu: cpuMicros(opts.serverPid), main: mainThreadMicros(opts.serverPid), client: process.cpuUsage() });
  let windowStart = snapshot();
  const lead = setTimeout(() => (windowStart = snapshot()), opts.leadSeconds * 1000);
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.leadSeconds + opts.seconds,
    requests: [
      {
        method: 'POST',
        path: SHAPE_PATH[shape],
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.key}` },
        setupRequest: (req) => ({ ...req, body: body() }),
        onResponse(status, text) {
          answered += 1;
          if (status < 200 || status >= 300) statuses[status] = (statuses[status] ?? 0) + 1;
          answeredAccepted += acceptedOf(shape, status, text);
        },
      },
    ],
  });
  clearTimeout(lead);
  const windowEnd = snapshot();
  const seconds = (windowEnd.at - windowStart.at) / 1000;
  const windowRows = windowEnd.accepted - windowStart.accepted;
  const cpuUs = windowEnd.cpu - windowStart.cpu;
  const mainCpuUs = windowEnd.main - windowStart.main;
  const client = { user: windowEnd.client.user - windowStart.client.user, system: windowEnd.client.system - windowStart.client.system };
  // Requests in flight when autocannon stopped are still committing; GET /v1/stats moves staged calls first.
  await sleep(300);
  const after = await readStats(opts.url, opts.adminKey);

  const stored = after.toolCalls - before.toolCalls;
  const serverAccepted = after.accepted - before.accepted;
  const duplicates = after.duplicates - before.duplicates;
  const rejected = after.rejected - before.rejected;
  const inFlightRows = (next - answered) * rows;
  const flags: string[] = [];
  if (result.non2xx > 0) flags.push(`${result.non2xx} non-2xx (${Object.entries(statuses).map(([s, n]) => `${n}×${s}`).join(', ')})`);
  if (result.errors > 0 || result.timeouts > 0) flags.push(`${result.errors} socket errors, ${result.timeouts} timeouts`);
  if (stored !== serverAccepted) flags.push(`tool_calls grew by ${stored} but the server accepted ${serverAccepted}`);
  if (stored < answeredAccepted || stored > answeredAccepted + inFlightRows)
    flags.push(`tool_calls grew by ${stored}, answers accepted ${answeredAccepted} (+ up to ${inFlightRows} in flight)`);
  if (duplicates > 0) flags.push(`${duplicates} duplicates`);
  if (rejected > 0) flags.push(`${rejected} rejected`);
  if (madeInWindow > 0) flags.push(`pool ran out: ${madeInWindow} bodies made inside the window`);
  const perRow = (us: number) => us / Math.max(1, windowRows);
  return {
    shape,
    round: opts.round,
    seconds,
    callsBefore: before.toolCalls,
    sent: next,
    answered,
    non2xx: result.non2xx,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    rowsSent: next * rows,
    answeredAccepted,
    stored,
    serverAccepted,
    duplicates,
    rejected,
    rowsPerSec: windowRows / seconds,
    reqPerSec: (windowEnd.answered - windowStart.answered) / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    maxMs: result.latency.max,
    cpuUsPerRow: perRow(cpuUs),
    mainCpuUsPerRow: perRow(mainCpuUs),
    clientCpuUsPerRow: perRow(client.user + client.system),
    pool: { bodies: pool.bodies.length, bytesPerBody: pool.bytes / Math.max(1, pool.bodies.length), genSeconds: pool.seconds, madeInWindow },
    flags,
  };
}
