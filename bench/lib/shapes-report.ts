/**
 * The "## Ingest: the shapes real clients send" section of bench/RESULTS.md, from the runs
 * bench/ingest-shapes.ts recorded: per preload size, the medians over the last runs that
 * measured it and the targets they are judged on; then every run and every flagged round.
 */
import type { RoundResult } from './shape-round.js';
import { SHAPE_LABEL, SHAPES, type Shape } from './shape-bodies.js';

export const SHAPES_HEADING = '## Ingest: the shapes real clients send';

export type ShapeSummary = {
  /** Median of the shape's rounds in the run. */
  rowsPerSec: number;
  roundsRowsPerSec: number[];
  /** p99 latency: the worst of its rounds, and their median (ms). */
  p99Max: number;
  p99Median: number;
  p50Median: number;
  reqPerSec: number;
  /** Server CPU per stored row (all threads / the request thread), µs, median of its rounds. */
  cpuUsPerRow: number;
  mainCpuUsPerRow: number;
};

export type SizeResult = {
  size: number;
  /** tool_calls rows when the measuring started (the preload). */
  calls: number;
  preload: { file: string; builtThisRun: boolean; seconds: number; loadSeconds: number; rebuildSeconds: number; rollups: string; bytes: number; sessions: number };
  copySeconds: number;
  startSeconds: number;
  /** From /readyz until the startup upkeep was done (the server's CPU idle); absent in runs before 2026-12-07 10:00. */
  settleSeconds?: number;
  /** 1-minute load average when this size's server started and when it stopped (other work on the machine shows here). */
  load: { before: number; after: number };
  warmup: RoundResult[];
  rounds: RoundResult[];
  shapes: Record<Shape, ShapeSummary>;
  /** B÷A and C÷A rows/s, within this run. */
  ratios: { B: number; C: number };
  flags: string[];
  seconds: number;
};

export type ShapesRun = {
  at: string;
  settings: { shapeSeconds: number; leadSeconds?: number; rounds: number; connections: number; rowsPerBody: Record<Shape, number>; observedWithinMs?: number; migration: string };
  machine: { cpus: number; cpu: string; node: string; loadBefore: number; loadAfter: number };
  /** The commit measured, and whether src/ or migrations/ had changes not committed. */
  git: { commit: string; dirty: boolean };
  sizes: SizeResult[];
  benchSeconds: number;
};

/** The issue's targets: shape rows/s as a share of A's, in the same run, per preload size. */
const TARGETS: Record<number, Partial<Record<Shape, number>>> = {
  1_000_000: { B: 0.8, C: 0.6 },
  10_000_000: { B: 0.5, C: 0.4 },
};
const MIN_RUNS = 5;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const n1 = (x: number) => x.toFixed(1);
const x2 = (x: number) => `${x.toFixed(2)}×`;

function sizeTable(size: number, entries: Array<{ run: ShapesRun; s: SizeResult }>): string[] {
  const m = (f: (s: SizeResult) => number) => median(entries.map((e) => f(e.s)));
  const enough = entries.length >= MIN_RUNS;
  const first = entries[0]?.s as SizeResult;
  const last = entries[entries.length - 1]?.s as SizeResult;
  const lastRound = last.rounds[last.rounds.length - 1] as SizeResult['rounds'][number];
  const out = [
    `### ${n0(size)} tool calls preloaded`,
    '',
    `Median of ${entries.length} run(s)${enough ? '' : ` (the targets are judged on at least ${MIN_RUNS}: provisional)`}. Preload: ${n0(first.calls)} calls in ${first.preload.sessions} sessions, ` +
      `${n1(first.preload.bytes / 2 ** 20)} MiB, built in ${n0(first.preload.seconds)} s (rollups: ${first.preload.rollups}). ` +
      `The rounds add to it: in the last run tool_calls grew from ${n0(last.calls)} to ${n0(lastRound.callsBefore + lastRound.stored)} calls (warm-up included).`,
    '',
    '| shape | rows/s | req/s | p50 ms | p99 ms (worst round) | server CPU µs/row (request thread) | ratio to A | target | result |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const shape of SHAPES) {
    const g = (f: (x: ShapeSummary) => number) => m((s) => f(s.shapes[shape]));
    const ratio = shape === 'A' ? 1 : m((s) => s.ratios[shape as 'B' | 'C']);
    const target = TARGETS[size]?.[shape];
    const verdict = target === undefined ? '—' : ratio >= target ? (enough ? 'met' : 'met (provisional)') : `**missed** (by ${x2(target - ratio)})`;
    out.push(
      `| ${SHAPE_LABEL[shape]} | ${n0(g((x) => x.rowsPerSec))} | ${n1(g((x) => x.reqPerSec))} | ${n1(g((x) => x.p50Median))} | ${n1(g((x) => x.p99Max))} | ` +
        `${n1(g((x) => x.cpuUsPerRow))} (${n1(g((x) => x.mainCpuUsPerRow))}) | ${shape === 'A' ? '1' : x2(ratio)} | ${target === undefined ? '—' : `≥ ${x2(target)}`} | ${verdict} |`,
    );
  }
  return out;
}

function runRow(run: ShapesRun, s: SizeResult): string {
  const rates = (shape: Shape) => `${n0(s.shapes[shape].rowsPerSec)} (${s.shapes[shape].roundsRowsPerSec.map(n0).join(' · ')})`;
  const p99 = SHAPES.map((shape) => n1(s.shapes[shape].p99Max)).join(' / ');
  const checked = [...s.warmup, ...s.rounds];
  const dupes = checked.reduce((n, r) => n + r.duplicates, 0);
  const non2xx = checked.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
  return (
    `| ${run.at.slice(0, 16)} | ${n0(s.size)} | ${run.git.commit}${run.git.dirty ? '+' : ''} | ${n1(s.load.before)}/${n1(s.load.after)} | ` +
    `${rates('A')} | ${rates('B')} | ${rates('C')} | ${x2(s.ratios.B)} | ${x2(s.ratios.C)} | ${p99} | ${non2xx}/${dupes} | ${s.flags.length === 0 ? 'ok' : `**${s.flags.length} flagged**`} |`
  );
}

export function renderShapes(runs: ShapesRun[], kept: number): string {
  const last = runs[runs.length - 1];
  if (!last) return 'No runs recorded yet: `npm run bench:shapes`.';
  const st = last.settings;
  // Runs recorded before dc85e35 have no leadSeconds: rows counted by tool_calls over the round, bodies stamped when made.
  const sentStamped = st.leadSeconds !== undefined;
  const sizes = [...new Set(runs.flatMap((r) => r.sizes.map((s) => s.size)))].sort((a, b) => a - b);
  const idleWait = runs.every((r) => r.sizes.every((s) => s.settleSeconds !== undefined))
    ? ', then until its CPU is idle'
    : ' (runs recorded from 2026-12-07 10:00 on also wait until its CPU is idle)';
  const out: string[] = [
    `Generated by \`npm run bench:shapes\` (bench/ingest-shapes.ts; also run by \`npm run bench:ingest\`). The last run ended ${last.at}, on ${last.machine.cpus} × ${last.machine.cpu}, ` +
      `Node ${last.machine.node}, commit ${last.git.commit}${last.git.dirty ? ' with uncommitted changes in src/ or migrations/' : ''}; schema ${st.migration}.`,
    '',
    '**How it is measured.** Per preload size, a database preloaded with that many tool calls in the client shape (random v4 ids, times rising over the last 30 days ' +
      'with 0–60 s of jitter, bench/lib/data.ts tool and status mix, 200 sessions, 2000 at 10M, over 6 profiles and 12 projects) is built once through the ' +
      'storage engine\'s own API (bench/lib/preload.ts: sessions.create, toolCalls.append with 4 × 5000 rows in flight, rollups by the engine\'s backfill, days closed) ' +
      'and cached per schema; every run copies it and starts `src/server.ts` on the copy (rate limit off, scheduler on, LOG_LEVEL=warn), ' +
      `waits for /readyz and 3 s more for startup upkeep${idleWait}, warms up with each shape, then measures A B C ${st.rounds > 1 ? `repeated ${st.rounds} times` : 'once'}, each ${sentStamped ? `${st.leadSeconds} s of load and then a timed window of ` : ''}${st.shapeSeconds} s, ` +
      `${st.connections} connections, autocannon in the bench process on the same cores, an \`ingest\` key. Calls go to the 64 newest sessions.`,
    '',
    `- A: POST /v1/tool-calls, ${st.rowsPerBody.A} items without id or timestamp (server-made UUID v7, now), the shape \`## Ingest\` measures; 32 bodies cycled.`,
    `- B: the same items, each with its own \`crypto.randomUUID()\` id and the RFC 3339 time (ms) the client observed it at: 0–${(st.observedWithinMs ?? 60_000) / 1000} s before the body ${sentStamped ? 'is sent (uniform; written into the body as it is sent)' : 'was made (uniform)'}, not monotonic.`,
    `- C: POST /v1/logs, one resourceLogs → one scopeLogs → ${st.rowsPerBody.C} \`claude_code.tool_result\` records in the proto3 JSON of the OpenTelemetry JS exporter (attributes as ` +
      'KeyValue lists, int64 as decimal strings, Claude Code\'s standard and tool_result attributes, MCP calls as `mcp_tool` + tool_parameters, random `tool_use_id`s; ~1.2 KB a record), ' +
      `observed 0–${(st.observedWithinMs ?? 60_000) / 1000} s before the body ${sentStamped ? 'is sent' : 'was made'}, as B.`,
    '- B and C bodies are made before each round, enough for it (a pool for 150,000 rows/s, or twice what the shape reached at this size already; if it runs out, bodies are made inside the window and the round is flagged) and each sent once: a re-sent id would be a ' +
      (sentStamped
        ? 'duplicate, stored once. rows/s counts the rows the answers in the timed window said were stored, over the window; the load before the window makes the server\'s backlog of ' +
          'staged calls as large when the window starts as when it ends, so the window pays for moving as many calls as it counts. Per shape the '
        : 'duplicate, stored once. rows/s counts the rows added to tool_calls (GET /v1/stats before and after, which moves staged calls first) over the round\'s time; per shape the ') +
      'median of its rounds, p99 the worst of its rounds; the ratios are taken within each run against its A, then the median over runs. A round is flagged (listed below) when ' +
      'it saw a non-2xx answer, a socket error, a duplicate or a rejected item, or when tool_calls (GET /v1/stats before and after the round) did not grow by exactly what the server accepted and the answers reported ' +
      '(plus the requests still in flight when the load stopped).',
    '',
  ];
  // Per size, the last `kept` runs that measured it; those (and only those) are listed below.
  const used: Array<{ run: ShapesRun; s: SizeResult }> = [];
  for (const size of sizes) {
    const entries = runs.flatMap((run) => run.sizes.filter((s) => s.size === size).map((s) => ({ run, s }))).slice(-kept);
    used.push(...entries);
    out.push(...sizeTable(size, entries), '');
  }
  used.sort((a, b) => (a.run.at < b.run.at ? -1 : a.run.at > b.run.at ? 1 : a.s.size - b.s.size));
  out.push(
    'Every run (rows/s: the median of the rounds, then each round in order; p99 the worst round, A / B / C; errors: non-2xx + socket errors + timeouts / duplicates, ' +
      'warm-up included; load average: 1 minute, when the size\'s server started / stopped, the bench and the server themselves account for about 2 of it):',
    '',
    '| run | preloaded | commit | load avg before/after | A rows/s | B rows/s | C rows/s | B ÷ A | C ÷ A | p99 ms | errors/dupes | checks |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...used.map((e) => runRow(e.run, e.s)),
  );
  const flagged = used.flatMap(({ run, s }) => s.flags.map((f) => `- ${run.at.slice(0, 16)}, ${n0(s.size)} preloaded, ${f}`));
  if (flagged.length > 0) out.push('', 'Flagged rounds:', '', ...flagged);
  return out.join('\n');
}
