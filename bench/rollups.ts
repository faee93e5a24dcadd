/**
 * Rollups benchmark (issue 9): `npm run bench:rollups`. Not part of `npm test`.
 *
 * For each size in BENCH_ROLLUP_SIZES (default 1000000,10000000 tool calls):
 *   1. bench/dataset.ts's generator (raw prepared statements, big transactions), then the
 *      rollups built by the service's own rebuild path (the backfill), timed; ANALYZE;
 *   2. src/server.ts on that file; every endpoint of bench/reports.ts timed round-robin
 *      (the tool reports answer from rollups: checked via `source`).
 * Then batched ingest in-process, through the real tool-call service and group-commit queue,
 * with and without rollup maintenance (alternating runs on fresh files, same batches).
 * Writes the "## Rollups" section of bench/RESULTS.md.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/sqlite/client.js';
import { openSqliteStore } from '../src/db/sqlite/store.js';
import { createIngestCounters } from '../src/services/ingest-counters.js';
import { createToolCallService } from '../src/services/tool-calls.js';
import { DEFAULT_SIZE, generateDataset } from './dataset.js';
import { batchBodies, callFields, sessionIds } from './lib/data.js';
import { postLoad } from './lib/load.js';
import { reportCases, timeCases, timeRequest, type Timed } from './lib/report-timing.js';
import { writeSection } from './lib/results.js';
import { ROOT, startServer } from './lib/server.js';
import { untilIdle } from './lib/cpu.js';

const SIZES = (process.env.BENCH_ROLLUP_SIZES ?? '1000000,10000000').split(',').map(Number).filter((n) => n > 0);
// p95 of 30 rounds is the second-slowest request, which one stall of the shared machine decides; of 60, the 57th.
const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const INGEST_ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 200_000);
const INGEST_ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 5);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const KEY = 'dfa_bench_rollups_admin_key_0123456789';
const log = (m: string) => process.stderr.write(`[bench:rollups] ${m}\n`);

type SizeResult = { calls: number; generatedS: number; rebuildS: number; rollupRows: number; summaryRows: number; mib: number; timed: Timed[] };

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The service's SQLite store over a file, as the server opens it. */
function openBenchStore(path: string, over: { cacheSizeMiB?: number; rollups?: boolean } = {}) {
  const config = loadConfig({});
  return openSqliteStore({ path, groupCommitMs: config.groupCommitMs, rollups: true, exactReportCalls: config.exactReportCalls, ballastMiB: 0, now: Date.now, log: quiet, ...over });
}

async function prepareDataset(size: number): Promise<{ file: string; generatedS: number; rebuildS: number }> {
  const file = join(ROOT, `bench/.tmp/rollups-${size}.db`);
  let generatedS = 0;
  let rebuildS = 0;
  // The timings of a cached file's making live next to it, so a re-run still reports them.
  const timings = `${file}.timings.json`;
  if (existsSync(file) && existsSync(timings) && process.env.BENCH_REGENERATE !== '1') {
    ({ generatedS, rebuildS } = JSON.parse(readFileSync(timings, 'utf8')) as { generatedS: number; rebuildS: number });
    // A file cached by an older version: its summaries brought to the current layout, as the server's backfill would.
    const store = openBenchStore(file, { cacheSizeMiB: 256 });
    if (await store.rollups.needsUpgrade()) log(`summaries upgraded in ${(await store.rollups.upgradeSummaries()).seconds.toFixed(0)} s`);
    await store.close();
  } else {
    log(`generating ${size} tool calls`);
    generatedS = generateDataset(file, { ...DEFAULT_SIZE, toolCalls: size }).seconds;
    const store = openBenchStore(file, { cacheSizeMiB: 256 });
    log('building rollups with the rebuild path');
    rebuildS = (await store.rollups.rebuild()).seconds;
    store.sqlite.db.$client.exec('analyze');
    await store.close();
    writeFileSync(timings, JSON.stringify({ generatedS, rebuildS }));
  }
  return { file, generatedS, rebuildS };
}

async function measureReports(size: number): Promise<SizeResult> {
  const { file, generatedS, rebuildS } = await prepareDataset(size);
  const probe = openDatabase({ path: file, readonly: true });
  const q = (sql: string) => Number((probe.$client.prepare(sql).get() as { n: number }).n);
  const end = q('select max(timestamp) + 1 as n from tool_calls');
  const counts = { calls: q('select count(*) as n from tool_calls'), rollupRows: q('select count(*) as n from tool_call_slot_rollups'), summaryRows: q('select count(*) as n from tool_call_summaries') };
  probe.$client.close();
  const server = await startServer('src/server.ts', { DEVFLOW_DB_PATH: file, DEVFLOW_ADMIN_KEY: KEY, DEVFLOW_RATE_LIMIT: '0', DEVFLOW_SCHEDULER: 'false' });
  try {
    const check = await timeRequest(`${server.url}/v1/reports/tools`, KEY);
    const source = (JSON.parse(Buffer.from(check.body).toString()) as { source: string }).source;
    if (source !== 'rollup') throw new Error(`reports/tools answered from ${source}`);
    // "With no other load": the server's own startup upkeep (a bulk load's ids filed, the id filter built) first.
    log(`${size}: server idle after ${(await untilIdle(server.pid, 3)).toFixed(0)} s; timing ${RUNS} rounds`);
    const timed = await timeCases(server, KEY, reportCases(end), 3, RUNS);
    for (const r of timed) log(`${r.name}: median ${r.median.toFixed(1)} p95 ${r.p95.toFixed(1)}`);
    return { ...counts, generatedS, rebuildS, mib: statSync(file).size / 2 ** 20, timed };
  } finally {
    await server.stop();
  }
}

/** Rows/s of batched ingest (1000 per batch, 4 in flight) through the service, on a fresh file. */
async function ingestRate(dir: string, withRollups: boolean, round: number): Promise<number> {
  const path = join(dir, `ingest-${withRollups}-${round}.db`);
  const store = openBenchStore(path, { rollups: withRollups });
  const sessions = sessionIds();
  const insertSession = store.sqlite.db.$client.prepare("insert into sessions (id, profile_id, type, status, project, started_at, updated_at, last_activity_at) values (?, null, 'agent', 'active', ?, 0, 0, 0)");
  sessions.forEach((id, i) => insertSession.run(id, `project-${i % 8}`));
  const config = loadConfig({});
  // What a running server's upkeep leaves (the days before today closed).
  if (withRollups) {
    await store.rollups.rebuild();
    await store.rollups.closeDays();
  }
  const service = createToolCallService({ store, config, now: Date.now, log: quiet, counters: createIngestCounters() });
  // JSON bodies as the route receives them: each request parses and validates its batch.
  const bodies = Array.from({ length: 32 }, (_, b) => JSON.stringify({ items: Array.from({ length: 1000 }, (_, i) => callFields(b * 1000 + i, sessions)) }));
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < INGEST_ROWS / 1000) {
      const i = next++;
      await service.ingestBody(JSON.parse(bodies[i % bodies.length] as string), false);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  rmSync(path, { force: true });
  return INGEST_ROWS / seconds;
}

/**
 * Rows/s of batched ingest over HTTP (the measure): src/server.ts on a fresh file with
 * DEVFLOW_ROLLUPS on or off, POST batches of 1000 from 4 connections, a warm-up then HTTP_SECONDS.
 */
async function httpIngestRate(dir: string, withRollups: boolean, round: number): Promise<number> {
  const server = await startServer('src/server.ts', {
    DEVFLOW_DB_PATH: join(dir, `http-${withRollups}-${round}.db`),
    DEVFLOW_ADMIN_KEY: KEY,
    DEVFLOW_RATE_LIMIT: '0',
    // As in production: the scheduler's rollup upkeep closes the days that ended (the retention
    // cron does not fire on a fresh file within a run).
    DEVFLOW_SCHEDULER: 'true',
    DEVFLOW_ROLLUPS: String(withRollups),
    LOG_LEVEL: 'warn',
  });
  try {
    const sessions = sessionIds();
    for (const [i, id] of sessions.entries()) {
      const res = await fetch(`${server.url}/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, type: 'agent', project: `project-${i % 8}` }),
      });
      if (res.status !== 201) throw new Error(`session: ${res.status}`);
    }
    const bodies = batchBodies(32, 1000, sessions);
    await postLoad({ url: server.url, path: '/v1/tool-calls', key: KEY, bodies, connections: 4, seconds: 2 });
    const result = await postLoad({ url: server.url, path: '/v1/tool-calls', key: KEY, bodies, connections: 4, seconds: HTTP_SECONDS });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`ingest: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return (result['2xx'] * 1000) / result.duration;
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  mkdirSync(join(ROOT, 'bench/.tmp'), { recursive: true });
  const loadBefore = loadavg()[0] as number;
  const dir = mkdtempSync(join(tmpdir(), 'devflow-bench-rollups-'));
  const ingest: Array<{ without: number; with: number }> = [];
  const http: Array<{ without: number; with: number }> = [];
  try {
    // Which setting goes first alternates by round, so a drift of the machine favours neither.
    const pair = async (rate: (on: boolean) => Promise<number>, round: number) => {
      if (round % 2 === 0) return { without: await rate(false), with: await rate(true) };
      const withR = await rate(true);
      return { without: await rate(false), with: withR };
    };
    for (let round = 0; round < INGEST_ROUNDS; round++) {
      const { without, with: withR } = await pair((on) => httpIngestRate(dir, on, round), round);
      http.push({ without, with: withR });
      log(`HTTP ingest round ${round}: ${without.toFixed(0)} rows/s without rollups, ${withR.toFixed(0)} with (${((withR / without) * 100).toFixed(0)} %)`);
    }
    for (let round = 0; round < INGEST_ROUNDS; round++) {
      const { without, with: withR } = await pair((on) => ingestRate(dir, on, round), round);
      ingest.push({ without, with: withR });
      log(`ingest round ${round}: ${without.toFixed(0)} rows/s without rollups, ${withR.toFixed(0)} with (${((withR / without) * 100).toFixed(0)} %)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const sizes: SizeResult[] = [];
  for (const size of SIZES) sizes.push(await measureReports(size));
  render(sizes, http, ingest, loadBefore);
}

/** Report endpoints are judged at 100 ms (issue 9); the other cases by their own target, if any. */
function verdict(r: Timed): string {
  const target = r.name.startsWith('reports/') ? 100 : r.target;
  if (target === undefined) return '—';
  return r.p95 < target ? `yes (< ${target})` : `**no** (< ${target})`;
}

type Rates = Array<{ without: number; with: number }>;

function render(sizes: SizeResult[], http: Rates, ingest: Rates, loadBefore: number): void {
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
  const rounds = (rates: Rates) => [
    '| round | without rollups rows/s | with rollups rows/s | ratio |',
    '|---|---|---|---|',
    ...rates.map((r, i) => `| ${i + 1} | ${n0(r.without)} | ${n0(r.with)} | ${((r.with / r.without) * 100).toFixed(0)} % |`),
  ];
  const ratio = (rates: Rates) => (rates.length === 0 ? Number.NaN : med(rates.map((r) => r.with / r.without)));
  const out = [
    `\`npm run bench:rollups\` (bench/rollups.ts), ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}; ` +
      `load average ${loadBefore.toFixed(1)} at the start, ${(loadavg()[0] as number).toFixed(1)} at the end (other work shared the 2 cores: upper bounds).`,
    '',
    '### Batched ingest with and without rollup maintenance',
    '',
    `Over HTTP, as the ingest benchmark measures it: src/server.ts on a fresh file with DEVFLOW_ROLLUPS=true or false (scheduler on, as in production: its rollup upkeep closes the days that ended), POST batches of 1000 ` +
      `(bench/lib/data.ts rows: 64 sessions over 8 projects, 16 tools, server-made ids and times), 4 connections, 2 s warm-up then ${HTTP_SECONDS} s; which setting runs first alternates by round.`,
    '',
    ...rounds(http),
    '',
    `**Median ratio ${(ratio(http) * 100).toFixed(0)} %** (target ≥ 80 %: ${ratio(http) >= 0.8 ? 'met' : 'NOT met'}).`,
    '',
    `The stricter view, in-process, through the real tool-call service and group-commit queue: each request's JSON body parsed and validated, stored, committed; only HTTP is left out (so the rollups' share is larger than over HTTP): ` +
      `${n0(INGEST_ROWS)} rows in batches of 1000, 4 in flight, bench/lib/data.ts rows (64 sessions over 8 projects, 16 tools), fresh file per run, runs alternating.`,
    '',
    ...rounds(ingest),
    '',
    `Median ratio ${(ratio(ingest) * 100).toFixed(0)} % in-process.`,
  ];
  for (const s of sizes) {
    out.push(
      '',
      `### ${n0(s.calls)} tool calls`,
      '',
      `bench/dataset.ts data (40 tools, ${n0(DEFAULT_SIZE.sessions)} sessions over ${n0(DEFAULT_SIZE.profiles)} profiles × 20 projects, 90 days; ${s.mib.toFixed(0)} MiB)` +
        `, generated in ${s.generatedS.toFixed(0)} s; rollups built by the rebuild path (the background backfill) in ${s.rebuildS.toFixed(0)} s` +
        `: ${n0(s.rollupRows)} slot rollup rows, ${n0(s.summaryRows)} summary rows. Real server, one request at a time, round-robin, 3 warm-up + ${RUNS} rounds; the tool reports answered with source rollup.`,
      '',
      '| endpoint | median ms | p95 ms | max ms | bytes | p95 under target (ms) |',
      '|---|---|---|---|---|---|',
      ...s.timed.map((r) => `| ${r.name} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.bytes} | ${verdict(r)} |`),
    );
  }
  out.push(
    '',
    '### Reading the figures',
    '',
    '- Design (the pure math in src/lib/rollup-deltas.ts and rollup-plan.ts, the tables and their folding in src/db/sqlite/rollups/): slot rollups per 15-minute UTC slot × tool × profile × project, and summaries per tool for every UTC day, ' +
      '6 and 3 hours, hour (also from half past), half hour and slot, and per day for each profile and each project. Each group commit appends ' +
      'what its calls add as one row of slot deltas, in the ingest transaction; the deltas are folded into the slots and summaries of an hour or ' +
      'less (the longer ones too for closed days) about once a second and before anything reads them, and the longer summaries of a UTC day are ' +
      'folded from its slot rollups when it closes (10 minutes after its end). A report cell is cut into the largest aligned pieces, so a 30-day report reads ~30 summary ' +
      'rows per tool plus raw rows for the partial slots at its two ends: its time depends on the number of tools and cells, hardly on the number of ' +
      'calls (compare the sizes above). The issue measured 3.4 s for a 30-day per-tool p95 at 10M calls over raw rows.',
    `- Every report endpoint is judged at p95 < 100 ms over a real server (issue 9), over ${RUNS} rounds (with 30, p95 is the second-slowest request ` +
      'and one stall of the shared machine decides it; compare the medians and the max). Cells in local time cost more rows: a UTC day split by local days is read once and ' +
      'its larger side subtracted (a New York day: 4 rows per tool instead of 7), a +05:30 hour is one half-past hour summary; the hourly Kolkata ' +
      'week still returns ~6,700 rows (~1 MB). A summary row read costs ~3–4 µs (the SQLite-to-JavaScript row, mostly). Stats reads the row counts ' +
      'the store keeps (row_counts: triggers, and the move that adds tool calls) instead of counting 10M rows, and is judged like a report (< 100 ms).',
    '- Batched ingest is judged over HTTP, as the ingest benchmark measures it; the in-process figures leave HTTP out, so there the rollups are a ' +
      'larger share. Single runs swing ±20 % on this shared 2-core machine, hence five alternating rounds.',
    '- The rebuild is the background backfill an upgrade runs: one UTC day at a time, slot rollups in slices of ~8 ms, then the day\'s summaries from ' +
      'them in one short write; ingest keeps running meanwhile.',
  );
  writeSection(join(ROOT, 'bench/RESULTS.md'), '## Rollups', out.join('\n'));
}

await main();
