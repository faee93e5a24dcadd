/**
 * Ingest in the shapes real clients send: `npm run bench:shapes`, and part of `npm run bench:ingest`
 * (BENCH_PARTS=all|classic|shapes). Not part of `npm test`.
 *
 * For each preload size (BENCH_PRELOADS, default 0,1000000,10000000 tool calls in the client
 * shape, built once through the engine's own API and cached: bench/lib/preload.ts), on a copy of
 * the cached file: src/server.ts as a child process (rate limit off, scheduler on, LOG_LEVEL=warn),
 * ready (/readyz) plus BENCH_SETTLE_SECONDS (3) and until its CPU is idle, an `ingest` key; a warm-up of each shape
 * (BENCH_WARMUP_SECONDS in all), then A B C A B C (bench/lib/shape-bodies.ts), each at 4
 * connections: BENCH_LEAD_SECONDS (6) of load, then a timed window of BENCH_SHAPE_SECONDS (8)
 * (bench/lib/shape-round.ts: every body sent once and stamped as it is sent, rows counted by the
 * answers in the window, each round checked against tool_calls). Per shape: rows/s = median of its rounds, p99 = the worst of
 * its rounds; B÷A and C÷A within the run.
 *
 * Standalone, a run is appended to bench/.tmp/shapes-runs.jsonl and the section
 * "## Ingest: the shapes real clients send" of bench/RESULTS.md is rendered from the last
 * BENCH_RUNS_KEPT (5) runs with the same settings. `--render-only` re-renders without measuring.
 * More environment: BENCH_SHAPE_ROUNDS (2), BENCH_POOL_ROWS_PER_SEC (150000: how many rows/s
 * a pool of distinct bodies is made for), BENCH_PRELOAD_ROLLUPS, BENCH_PRELOAD_CACHE_MIB.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { mapLogsRequest } from '../src/lib/otlp-mapping.js';
import { untilIdle } from './lib/cpu.js';
import { SESSION_COUNT } from './lib/data.js';
import { migrationTag, preloaded } from './lib/preload.js';
import { writeSection } from './lib/results.js';
import { bodyMaker, makePool, OBSERVED_WITHIN_MS, SHAPE_ROWS, SHAPES, type BodyMaker, type Shape } from './lib/shape-bodies.js';
import { readStats, runRound, type RoundResult } from './lib/shape-round.js';
import { renderShapes, SHAPES_HEADING, type ShapeSummary, type ShapesRun, type SizeResult } from './lib/shapes-report.js';
import { ROOT, startServer } from './lib/server.js';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const ADMIN_KEY = 'dfa_bench_shapes_admin_key_0123456789';
export const SHAPES_HISTORY = join(ROOT, 'bench', '.tmp', 'shapes-runs.jsonl');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
/** A-shape bodies carry no ids, so a few are cycled, as bench/ingest.ts does. */
const A_BODIES = 32;

export type ShapesOptions = {
  preloads: number[];
  shapeSeconds: number;
  leadSeconds: number;
  rounds: number;
  warmupSeconds: number;
  settleSeconds: number;
  connections: number;
  poolRowsPerSec: number;
  log: (m: string) => void;
};

export function shapesOptionsFromEnv(): ShapesOptions {
  return {
    preloads: (process.env.BENCH_PRELOADS ?? '0,1000000,10000000').split(',').map((s) => Number(s.trim())).filter((n) => Number.isSafeInteger(n) && n >= 0),
    shapeSeconds: env('BENCH_SHAPE_SECONDS', 8),
    leadSeconds: env('BENCH_LEAD_SECONDS', 6),
    rounds: env('BENCH_SHAPE_ROUNDS', 2),
    warmupSeconds: env('BENCH_WARMUP_SECONDS', 3),
    settleSeconds: env('BENCH_SETTLE_SECONDS', 3),
    connections: 4,
    poolRowsPerSec: env('BENCH_POOL_ROWS_PER_SEC', 150_000),
    log: (m) => process.stderr.write(`[bench:shapes] ${m}\n`),
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function gitState(): { commit: string; dirty: boolean } {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src', 'migrations') !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

/** The receiver's own mapping must take every record of a C body, or the bench measures rejections. */
function checkOtlpBody(maker: BodyMaker): void {
  const mapped = mapLogsRequest(JSON.parse(maker.next().bytes.toString()), Date.now());
  if (mapped.toolCalls.length !== SHAPE_ROWS.C || mapped.rejected.length > 0) throw new Error(`OTLP body maps to ${mapped.toolCalls.length} calls, ${mapped.rejected.length} rejected`);
}

async function api(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

function summarise(rounds: RoundResult[]): ShapeSummary {
  const m = (f: (r: RoundResult) => number) => median(rounds.map(f));
  return {
    rowsPerSec: m((r) => r.rowsPerSec),
    roundsRowsPerSec: rounds.map((r) => r.rowsPerSec),
    p99Max: Math.max(...rounds.map((r) => r.p99)),
    p99Median: m((r) => r.p99),
    p50Median: m((r) => r.p50),
    reqPerSec: m((r) => r.reqPerSec),
    cpuUsPerRow: m((r) => r.cpuUsPerRow),
    mainCpuUsPerRow: m((r) => r.mainCpuUsPerRow),
  };
}

async function measureSize(size: number, o: ShapesOptions): Promise<SizeResult> {
  const t0 = performance.now();
  const { path, meta, built } = await preloaded(size, o.log);
  const dir = mkdtempSync(join(tmpdir(), 'devflow-bench-shapes-'));
  try {
    const copyStarted = performance.now();
    const db = join(dir, 'service.db');
    // The main file only: the cache was closed cleanly (WAL checkpointed and truncated).
    copyFileSync(path, db, constants.COPYFILE_FICLONE);
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const loadBefore = loadavg()[0] as number;
    const startStarted = performance.now();
    const server = await startServer('src/server.ts', {
      DEVFLOW_DB_PATH: db,
      DEVFLOW_ADMIN_KEY: ADMIN_KEY,
      DEVFLOW_RATE_LIMIT: '0',
      DEVFLOW_SCHEDULER: 'true',
      LOG_LEVEL: 'warn',
    });
    const startSeconds = (performance.now() - startStarted) / 1000;
    try {
      const settleSeconds = await untilIdle(server.pid, o.settleSeconds);
      const key = ((await api(server.url, 'POST', '/v1/api-keys', { name: 'bench-shapes', role: 'ingest' })) as { key: string }).key;
      const calls = (await readStats(server.url, ADMIN_KEY)).toolCalls;
      // The sessions agents are writing to now: the newest of the preload's (64, as bench/ingest.ts).
      const live = meta.sessions.slice(-SESSION_COUNT);
      const makers = Object.fromEntries(SHAPES.map((s) => [s, bodyMaker(s, live)])) as Record<Shape, BodyMaker>;
      checkOtlpBody(makers.C);
      const observed: Partial<Record<Shape, number>> = {};
      /**
       * Distinct bodies for a round: for poolRowsPerSec, or twice what this shape reached here
       * already, whichever is less (a C pool for 150k rows/s is ~1.7 GB and ~9 s to make). A pool
       * that runs out is not re-sent: bodies are made in the window, and the round flagged.
       */
      const poolFor = (shape: Shape, lead: number, seconds: number) => {
        if (shape === 'A') return makePool(makers.A, A_BODIES);
        const rate = Math.min(o.poolRowsPerSec, 2 * (observed[shape] ?? Number.POSITIVE_INFINITY));
        return makePool(makers[shape], Math.ceil((rate * (lead + seconds + 1)) / SHAPE_ROWS[shape]));
      };
      const round = async (shape: Shape, n: number | 'warmup', seconds: number) => {
        const leadSeconds = n === 'warmup' ? 0 : o.leadSeconds;
        const pool = poolFor(shape, leadSeconds, seconds);
        const r = await runRound({ url: server.url, key, adminKey: ADMIN_KEY, serverPid: server.pid, shape, round: n, seconds, leadSeconds, connections: o.connections, pool, maker: makers[shape] });
        observed[shape] = Math.max(observed[shape] ?? 0, r.rowsPerSec);
        o.log(
          `${size}: ${n === 'warmup' ? 'warm-up' : `round ${n}`} ${shape}: ${Math.round(r.rowsPerSec).toLocaleString('en-US')} rows/s, p99 ${r.p99} ms, ` +
            `${r.stored.toLocaleString('en-US')} rows (pool ${r.pool.bodies} bodies in ${r.pool.genSeconds.toFixed(1)} s)${r.flags.length ? ` FLAGGED: ${r.flags.join('; ')}` : ''}`,
        );
        return r;
      };
      const warmup: RoundResult[] = [];
      for (const shape of SHAPES) warmup.push(await round(shape, 'warmup', Math.max(1, Math.round(o.warmupSeconds / SHAPES.length))));
      const rounds: RoundResult[] = [];
      for (let n = 1; n <= o.rounds; n += 1) for (const shape of SHAPES) rounds.push(await round(shape, n, o.shapeSeconds));
      const shapes = Object.fromEntries(SHAPES.map((s) => [s, summarise(rounds.filter((r) => r.shape === s))])) as Record<Shape, ShapeSummary>;
      return {
        size,
        calls,
        preload: { file: basename(path), builtThisRun: built, seconds: meta.seconds, loadSeconds: meta.loadSeconds, rebuildSeconds: meta.rebuildSeconds, rollups: meta.rollups, bytes: meta.bytes, sessions: meta.sessions.length },
        copySeconds,
        startSeconds,
        settleSeconds,
        load: { before: loadBefore, after: loadavg()[0] as number },
        warmup,
        rounds,
        shapes,
        ratios: { B: shapes.B.rowsPerSec / shapes.A.rowsPerSec, C: shapes.C.rowsPerSec / shapes.A.rowsPerSec },
        flags: [...warmup, ...rounds].flatMap((r) => r.flags.map((f) => `${r.round === 'warmup' ? 'warm-up' : `round ${r.round}`} ${r.shape}: ${f}`)),
        seconds: (performance.now() - t0) / 1000,
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures every preload size in turn; JSON-serialisable. */
export async function runShapes(options: Partial<ShapesOptions> = {}): Promise<ShapesRun> {
  const o = { ...shapesOptionsFromEnv(), ...options };
  mkdirSync(join(ROOT, 'bench', '.tmp'), { recursive: true });
  const started = performance.now();
  const loadBefore = loadavg()[0] as number;
  const sizes: SizeResult[] = [];
  for (const size of o.preloads) sizes.push(await measureSize(size, o));
  return {
    at: new Date().toISOString(),
    settings: { shapeSeconds: o.shapeSeconds, leadSeconds: o.leadSeconds, rounds: o.rounds, connections: o.connections, rowsPerBody: { ...SHAPE_ROWS }, observedWithinMs: OBSERVED_WITHIN_MS, migration: migrationTag() },
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model.trim() ?? '?', node: process.version, loadBefore, loadAfter: loadavg()[0] as number },
    git: gitState(),
    sizes,
    benchSeconds: (performance.now() - started) / 1000,
  };
}

function history(settings: ShapesRun['settings']): ShapesRun[] {
  if (!existsSync(SHAPES_HISTORY)) return [];
  return readFileSync(SHAPES_HISTORY, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ShapesRun)
    .filter((r) => JSON.stringify(r.settings) === JSON.stringify(settings));
}

/** Re-renders the section from the recorded runs with these settings (the last BENCH_RUNS_KEPT per size). */
export function renderShapesSection(settings: ShapesRun['settings']): void {
  writeSection(RESULTS, SHAPES_HEADING, renderShapes(history(settings), env('BENCH_RUNS_KEPT', 5)));
}

/** Appends the run to the history and renders the section. */
export function recordShapes(run: ShapesRun): void {
  mkdirSync(join(ROOT, 'bench', '.tmp'), { recursive: true });
  appendFileSync(SHAPES_HISTORY, `${JSON.stringify(run)}\n`);
  renderShapesSection(run.settings);
}

/** The settings of the last recorded run (for --render-only). */
export function lastShapesSettings(): ShapesRun['settings'] | undefined {
  if (!existsSync(SHAPES_HISTORY)) return undefined;
  const last = readFileSync(SHAPES_HISTORY, 'utf8').split('\n').filter(Boolean).pop();
  return last ? (JSON.parse(last) as ShapesRun).settings : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--render-only')) {
    const settings = lastShapesSettings();
    if (!settings) throw new Error(`no runs recorded in ${SHAPES_HISTORY}`);
    renderShapesSection(settings);
  } else {
    const run = await runShapes();
    recordShapes(run);
    for (const s of run.sizes) {
      const f = (x: number) => Math.round(x).toLocaleString('en-US');
      process.stderr.write(
        `[bench:shapes] ${f(s.size)} preloaded: A ${f(s.shapes.A.rowsPerSec)}, B ${f(s.shapes.B.rowsPerSec)} (${s.ratios.B.toFixed(2)}×), ` +
          `C ${f(s.shapes.C.rowsPerSec)} (${s.ratios.C.toFixed(2)}×) rows/s${s.flags.length ? `; ${s.flags.length} flag(s)` : ''}\n`,
      );
    }
    process.stderr.write(`[bench:shapes] done in ${run.benchSeconds.toFixed(0)} s; bench/RESULTS.md updated\n`);
  }
}
