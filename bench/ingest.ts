/**
 * Ingest benchmark (issue 5): `npm run bench:ingest`. Not part of `npm test`.
 *
 * One run measures, on this machine and in this order (references next to what they judge):
 *   1. raw better-sqlite3 inserts into the service's schema with its pragmas (UUID v7, 1000
 *      per transaction, one prepared statement) — the reference for batched ingest;
 *   2. the real service (child process, temp DB, rate limit off, LOG_LEVEL=warn): batches of
 *      1000 with 4 clients;
 *   3. the naive setup (random v4 ids, SQLite's default 2 MB page cache), same rows;
 *   4. a Fastify no-op POST route with the same body schema (the reference for single calls),
 *      as an extra the same no-op inside the service's own plugin stack (bench/lib/noop-service.ts),
 *      the service's per-request floor (GET /healthz, an authenticated 404), then single tool
 *      calls at 50 connections;
 *   5. an NDJSON export of 1M rows from that server, with its RSS growth.
 * Results go to the "## Ingest" section of bench/RESULTS.md (medians over the recorded runs
 * with the same settings, plus every run), raw runs to bench/.tmp/ingest-runs.jsonl.
 *
 * Then, unless BENCH_PARTS says otherwise:
 *   6. ingest in the shapes real clients send (server-made, client UUID v4 + timestamp, OTLP)
 *      on stores preloaded with 0, 1M and 10M calls: bench/ingest-shapes.ts, its own section
 *      "## Ingest: the shapes real clients send" and bench/.tmp/shapes-runs.jsonl.
 *
 * `--render-only` rewrites the sections from the recorded runs without measuring.
 * Environment: BENCH_PARTS (all | classic: 1–5 | shapes: 6; default all), BENCH_SECONDS (15),
 * BENCH_RAW_ROWS (1000000), BENCH_NAIVE_ROWS (1000000), BENCH_EXPORT_ROWS (1000000),
 * BENCH_GROUP_COMMIT_MS (the service default), BENCH_RUNS_KEPT (5); part 6 reads the variables
 * bench/ingest-shapes.ts lists (BENCH_PRELOADS, BENCH_SHAPE_SECONDS, …).
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { batchBodies, sessionIds, singleBodies } from './lib/data.js';
import { getLoad, postLoad, type LoadResult } from './lib/load.js';
import { rawInsert, rateAt } from './lib/raw-insert.js';
import { renderIngest, type IngestRun } from './lib/ingest-report.js';
import { writeSection } from './lib/results.js';
import { cpuMicros, mainThreadMicros } from './lib/cpu.js';
import { mib, rssOf, sampleRss } from './lib/rss.js';
import { ROOT, startServer, type RunningServer } from './lib/server.js';
import { lastShapesSettings, recordShapes, renderShapesSection, runShapes } from './ingest-shapes.js';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const SECONDS = env('BENCH_SECONDS', 15);
const WARMUP_SECONDS = 3;
const FLOOR_SECONDS = 6;
const RAW_ROWS = env('BENCH_RAW_ROWS', 1_000_000);
// The issue measured both at 1M rows (random v4 20k rows/s, UUID v7 51k): the gap widens with the table.
const NAIVE_ROWS = env('BENCH_NAIVE_ROWS', 1_000_000);
const EXPORT_ROWS = env('BENCH_EXPORT_ROWS', 1_000_000);
const GROUP_COMMIT_MS = env('BENCH_GROUP_COMMIT_MS', loadConfig({}).groupCommitMs);
const RUNS_KEPT = env('BENCH_RUNS_KEPT', 5);
const ADMIN_KEY = 'dfa_bench_admin_key_0123456789abcdef';
const HISTORY = join(ROOT, 'bench', '.tmp', 'ingest-runs.jsonl');
const PARTS = process.env.BENCH_PARTS ?? 'all';
if (!['all', 'classic', 'shapes'].includes(PARTS)) throw new Error(`BENCH_PARTS must be all, classic or shapes, not ${PARTS}`);

const log = (msg: string) => process.stderr.write(`[bench:ingest] ${msg}\n`);

/**
 * Tool calls the service holds, as GET /v1/stats tells (calls it has committed but not yet moved
 * into tool_calls included; reading the table from outside would miss those).
 */
async function countRows(server: RunningServer, readKey: string): Promise<number> {
  const res = await fetch(`${server.url}/v1/stats`, { headers: { authorization: `Bearer ${readKey}` } });
  if (!res.ok) throw new Error(`GET /v1/stats: ${res.status}`);
  return ((await res.json()) as { tables: { toolCalls: number } }).tables.toolCalls;
}

async function api(server: RunningServer, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

function summary(r: LoadResult, cpu?: { cpuUs: number; mainCpuUs: number; clientCpuUs: number }) {
  const http = { reqPerSec: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
  const perReq = (us: number) => us / Math.max(1, r.requests.total);
  return {
    ...http,
    ...(cpu === undefined ? {} : { cpuUsPerReq: perReq(cpu.cpuUs), mainCpuUsPerReq: perReq(cpu.mainCpuUs), clientCpuUsPerReq: perReq(cpu.clientCpuUs) }),
  };
}

/** Streams the export as fast as the client can read; counts lines, samples the server's RSS. */
function exportAll(server: RunningServer, key: string): Promise<{ rows: number; bytes: number; seconds: number; rssBefore: number; rssPeak: number }> {
  return new Promise((resolve, reject) => {
    const rssBefore = rssOf(server.pid);
    const sampler = sampleRss(server.pid, 50);
    const started = performance.now();
    const req = request(`${server.url}/v1/tool-calls/export`, { headers: { authorization: `Bearer ${key}` } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`export: ${res.statusCode}`));
      let rows = 0;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows += 1;
      });
      res.on('end', () => resolve({ rows, bytes, seconds: (performance.now() - started) / 1000, rssBefore, rssPeak: sampler.stop() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function loadPhase(label: string, server: RunningServer, opts: { bodies: string[]; connections: number; key?: string; path?: string }, rows?: () => Promise<number>) {
  const path = opts.path ?? '/v1/tool-calls';
  log(`${label}: warm-up ${WARMUP_SECONDS}s`);
  await postLoad({ url: server.url, seconds: WARMUP_SECONDS, ...opts, path });
  log(`${label}: ${SECONDS}s at ${opts.connections} connections`);
  const rowsBefore = (await rows?.()) ?? 0;
  const rss = sampleRss(server.pid);
  const cpuBefore = cpuMicros(server.pid);
  const mainBefore = mainThreadMicros(server.pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const result = await postLoad({ url: server.url, seconds: SECONDS, ...opts, path });
  const seconds = (performance.now() - started) / 1000;
  const cpuUs = cpuMicros(server.pid) - cpuBefore;
  const mainCpuUs = mainThreadMicros(server.pid) - mainBefore;
  const client = process.cpuUsage(clientBefore);
  const rssPeak = rss.stop();
  // Every request was answered after its commit, so the count is final once autocannon returns.
  const rowsAfter = (await rows?.()) ?? 0;
  return { result, seconds, rssPeak, rows: rowsAfter - rowsBefore, rowsAfter, cpu: { cpuUs, mainCpuUs, clientCpuUs: client.user + client.system } };
}

function history(settings: IngestRun['settings']): IngestRun[] {
  return readFileSync(HISTORY, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as IngestRun)
    .filter((r) => JSON.stringify(r.settings) === JSON.stringify(settings))
    .slice(-RUNS_KEPT);
}

async function main(): Promise<void> {
  mkdirSync(join(ROOT, 'bench', '.tmp'), { recursive: true });
  if (process.argv.includes('--render-only')) {
    if (PARTS !== 'shapes') {
      const last = readFileSync(HISTORY, 'utf8').split('\n').filter(Boolean).pop();
      if (!last) throw new Error(`no runs recorded in ${HISTORY}`);
      writeSection(join(ROOT, 'bench', 'RESULTS.md'), '## Ingest', renderIngest(history((JSON.parse(last) as IngestRun).settings)));
    }
    const shapes = PARTS === 'classic' ? undefined : lastShapesSettings();
    if (shapes) renderShapesSection(shapes);
    return;
  }
  if (PARTS !== 'shapes') await classic();
  if (PARTS !== 'classic') {
    log('shapes real clients send (bench/ingest-shapes.ts)');
    const run = await runShapes();
    recordShapes(run);
    log(`shapes: done in ${run.benchSeconds.toFixed(0)} s; bench/RESULTS.md updated`);
  }
}

/** Parts 1–5: the issue-5 measurements and the "## Ingest" section. */
async function classic(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'devflow-bench-ingest-'));
  const loadBefore = loadavg()[0] as number;
  const benchStarted = performance.now();
  const sessions = sessionIds();
  const servers: RunningServer[] = [];
  try {
    const singles = singleBodies(1000, sessions);
    const dbPath = join(dir, 'service.db');
    const server = await startServer('src/server.ts', {
      DEVFLOW_DB_PATH: dbPath,
      DEVFLOW_ADMIN_KEY: ADMIN_KEY,
      DEVFLOW_RATE_LIMIT: '0',
      // As in production: the scheduler's rollup upkeep closes the days that ended (the
      // retention cron does not fire on a fresh file within a run).
      DEVFLOW_SCHEDULER: 'true',
      DEVFLOW_GROUP_COMMIT_MS: String(GROUP_COMMIT_MS),
    });
    servers.push(server);
    for (const id of sessions) await api(server, 'POST', '/v1/sessions', { id, type: 'agent', project: 'bench' });
    const ingestKey = ((await api(server, 'POST', '/v1/api-keys', { name: 'bench-ingest', role: 'ingest' })) as { key: string }).key;
    const readKey = ((await api(server, 'POST', '/v1/api-keys', { name: 'bench-read', role: 'read' })) as { key: string }).key;
    const rssIdle = rssOf(server.pid);

    // The raw reference runs right before the batch phase (the machine's load drifts), the
    // naive one right after it.
    log(`raw better-sqlite3, UUID v7, service pragmas: ${RAW_ROWS} rows`);
    const raw = rawInsert({ path: join(dir, 'raw.db'), rows: RAW_ROWS, ids: 'v7', sessions });
    rmSync(join(dir, 'raw.db'), { force: true });
    const batches = batchBodies(32, 1000, sessions);
    const batchPhase = await loadPhase('service, batches of 1000', server, { bodies: batches, connections: 4, key: ingestKey }, () => countRows(server, readKey));
    log(`naive: random v4 ids, default page cache: ${NAIVE_ROWS} rows`);
    const naive = rawInsert({ path: join(dir, 'naive.db'), rows: NAIVE_ROWS, ids: 'v4', defaultCache: true, sessions });
    rmSync(join(dir, 'naive.db'), { force: true });

    // The no-op reference runs right before the single-call phase, so both see the same machine.
    const noop = await startServer('bench/lib/noop-server.ts', {});
    servers.push(noop);
    const noopPhase = await loadPhase('no-op route, single calls', noop, { bodies: singles, connections: 50 });
    await noop.stop();

    // Extra, not the reference: the same no-op inside the service's own plugin stack.
    const stack = await startServer('bench/lib/noop-service.ts', {
      DEVFLOW_DB_PATH: join(dir, 'stack.db'),
      DEVFLOW_ADMIN_KEY: ADMIN_KEY,
      DEVFLOW_RATE_LIMIT: '0',
      DEVFLOW_SCHEDULER: 'false',
    });
    servers.push(stack);
    const stackKey = ((await api(stack, 'POST', '/v1/api-keys', { name: 'bench-ingest', role: 'ingest' })) as { key: string }).key;
    const stackPhase = await loadPhase('no-op route in the service stack, single calls', stack, { bodies: singles, connections: 50, key: stackKey, path: '/v1/bench-noop' });
    await stack.stop();

    // Where a single call's time goes before any ingest work: the service's public probe, and
    // an authenticated request (API-key lookup) that ends in a 404.
    log(`service floor: GET /healthz and an authenticated 404, ${FLOOR_SECONDS}s each`);
    const healthz = await getLoad({ url: server.url, path: '/healthz', connections: 50, seconds: FLOOR_SECONDS });
    const authed404 = await getLoad({ url: server.url, path: '/v1/bench-no-such-route', key: ingestKey, connections: 50, seconds: FLOOR_SECONDS });

    const singlePhase = await loadPhase('service, single calls', server, { bodies: singles, connections: 50, key: ingestKey }, () => countRows(server, readKey));

    const present = await countRows(server, readKey);
    if (present < EXPORT_ROWS) {
      log(`topping up to ${EXPORT_ROWS} rows for the export`);
      rawInsert({ path: dbPath, rows: EXPORT_ROWS - present, ids: 'v7', sessions, offset: present });
    }
    // Rows written behind the service's back are not in its kept counts: these are.
    const exportRows = Math.max(present, EXPORT_ROWS);
    await new Promise((r) => setTimeout(r, 500));
    log(`export of ${exportRows} rows`);
    const exported = await exportAll(server, readKey);
    await server.stop();

    const run: IngestRun = {
      at: new Date().toISOString(),
      settings: { seconds: SECONDS, rawRows: RAW_ROWS, naiveRows: NAIVE_ROWS, exportRows: EXPORT_ROWS, groupCommitMs: GROUP_COMMIT_MS, cacheMiB: loadConfig({}).cacheSizeMiB, noopValidates: true },
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', node: process.version, loadBefore, loadAfter: loadavg()[0] as number },
      raw: { rowsPerSec: raw.rowsPerSec, rows: raw.rows, rateAtBatchRows: rateAt(raw, batchPhase.rowsAfter), rateAtNaiveRows: rateAt(raw, NAIVE_ROWS) },
      naive: { rowsPerSec: naive.rowsPerSec, rows: naive.rows },
      noop: { ...summary(noopPhase.result, noopPhase.cpu), rssPeakMiB: mib(noopPhase.rssPeak) },
      stackNoop: summary(stackPhase.result, stackPhase.cpu),
      floor: { healthz: summary(healthz), authed404: summary(authed404) },
      batch: { ...summary(batchPhase.result), rows: batchPhase.rows, rowsPerSec: batchPhase.rows / batchPhase.seconds, rssPeakMiB: mib(batchPhase.rssPeak) },
      single: { ...summary(singlePhase.result, singlePhase.cpu), rows: singlePhase.rows, rowsPerSec: singlePhase.rows / singlePhase.seconds, rssPeakMiB: mib(singlePhase.rssPeak) },
      export: {
        rows: exported.rows,
        expectedRows: exportRows,
        seconds: exported.seconds,
        rowsPerSec: exported.rows / exported.seconds,
        mib: mib(exported.bytes),
        rssBeforeMiB: mib(exported.rssBefore),
        rssPeakMiB: mib(exported.rssPeak),
        rssGrowthMiB: mib(exported.rssPeak - exported.rssBefore),
      },
      rssIdleMiB: mib(rssIdle),
      benchSeconds: (performance.now() - benchStarted) / 1000,
    };
    appendFileSync(HISTORY, `${JSON.stringify(run)}\n`);
    const runs = history(run.settings);
    writeSection(join(ROOT, 'bench', 'RESULTS.md'), '## Ingest', renderIngest(runs));
    process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    log(`done in ${run.benchSeconds.toFixed(0)} s; ${runs.length} run(s) in the median; bench/RESULTS.md updated`);
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
