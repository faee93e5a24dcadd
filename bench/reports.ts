/**
 * Report latency over a real server: generates bench/dataset.ts's file if missing (or with
 * BENCH_REGENERATE=1), starts src/server.ts on it as a child process, and times every report
 * endpoint plus the profile and session lookups, one request at a time (warm-up first).
 * Writes the "## Reports" section of bench/RESULTS.md.
 *
 *   node --import tsx bench/reports.ts          (BENCH_RUNS=40 per endpoint)
 */
import { existsSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/client.js';
import { DEFAULT_DATASET, DEFAULT_SIZE, generateDataset } from './dataset.js';
import { writeSection } from './lib/results.js';
import { ROOT, startServer } from './lib/server.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const WARMUP = 3;
const KEY = 'dfa_bench_reports_admin_key_0123456789';
const DAY = 86_400_000;

type Case = { name: string; path: string; target?: number; accept?: string };

function cases(end: number): Case[] {
  const d = (days: number) => new Date(end - days * DAY).toISOString();
  const to = new Date(end).toISOString();
  return [
    { name: 'profile by name', path: '/v1/profiles/profile-042', target: 10 },
    { name: 'sessions list (newest 50)', path: '/v1/sessions?limit=50', target: 50 },
    { name: 'sessions list by profile', path: '/v1/sessions?profile=profile-007&limit=50', target: 50 },
    { name: 'sessions list by type+status, 7 days', path: `/v1/sessions?type=test&status=failed&from=${d(7)}&to=${to}`, target: 50 },
    { name: 'reports/sessions (30 days)', path: '/v1/reports/sessions', target: 100 },
    { name: 'reports/profiles (30 days)', path: '/v1/reports/profiles', target: 100 },
    { name: 'reports/features (30 days)', path: '/v1/reports/features', target: 100 },
    { name: 'reports/productivity day (30 days)', path: '/v1/reports/productivity', target: 100 },
    { name: 'reports/productivity week, America/New_York (30 days)', path: '/v1/reports/productivity?groupBy=week&tz=America/New_York', target: 100 },
    { name: 'reports/productivity month, America/New_York (90 days)', path: `/v1/reports/productivity?groupBy=month&tz=America/New_York&from=${d(90)}&to=${to}` },
    { name: 'reports/tools (7 days)', path: `/v1/reports/tools?from=${d(7)}&to=${to}` },
    { name: 'reports/tools (30 days)', path: '/v1/reports/tools' },
    { name: 'reports/tools (30 days) as CSV', path: '/v1/reports/tools', accept: 'text/csv' },
    { name: 'reports/tools (30 days, one project)', path: '/v1/reports/tools?project=project-3' },
    { name: 'reports/tools/timeseries day (30 days)', path: '/v1/reports/tools/timeseries?interval=day' },
    { name: 'reports/tools/timeseries hour, Asia/Kolkata (7 days)', path: `/v1/reports/tools/timeseries?interval=hour&tz=Asia/Kolkata&from=${d(7)}&to=${to}` },
    { name: 'reports/tools/timeseries day, one tool (30 days)', path: '/v1/reports/tools/timeseries?interval=day&tool=Bash' },
    { name: 'stats', path: '/v1/stats' },
  ];
}

const quantile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;

async function time(url: string, accept?: string): Promise<{ ms: number; status: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${KEY}`, ...(accept ? { accept } : {}) } });
  const body = await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status, bytes: body.byteLength };
}

async function main(): Promise<void> {
  const file = process.env.BENCH_DATASET ?? DEFAULT_DATASET;
  let generated = '';
  if (!existsSync(file) || process.env.BENCH_REGENERATE === '1') {
    const { seconds } = generateDataset(file);
    generated = `generated in ${seconds.toFixed(0)} s`;
  }
  // The dataset ends when it was generated: the default 30-day reports look at its last 30 days.
  const probe = openDatabase({ path: file, readonly: true });
  const end = Number((probe.$client.prepare('select max(timestamp) as t from tool_calls').get() as { t: number }).t) + 1;
  const counts = probe.$client.prepare('select (select count(*) from tool_calls) as calls, (select count(*) from sessions) as sessions').get() as { calls: number; sessions: number };
  probe.$client.close();
  const ageDays = (Date.now() - end) / DAY;
  if (ageDays > 1) process.stderr.write(`note: the dataset ends ${ageDays.toFixed(1)} days ago; default-range reports see less data (BENCH_REGENERATE=1)\n`);

  const server = await startServer('src/server.ts', {
    DEVFLOW_DB_PATH: file,
    DEVFLOW_ADMIN_KEY: KEY,
    DEVFLOW_RATE_LIMIT: '0',
    DEVFLOW_SCHEDULER: 'false',
  });
  const loadBefore = loadavg()[0] as number;
  const results: Array<Case & { median: number; p95: number; max: number; bytes: number }> = [];
  try {
    // Round-robin over the endpoints, so a burst of load from other work on the machine hits
    // every endpoint alike instead of whichever happened to be measured at the time.
    const list = cases(end);
    const samples = list.map(() => [] as number[]);
    const bytes = list.map(() => 0);
    for (let round = 0; round < WARMUP + RUNS; round++) {
      for (const [i, c] of list.entries()) {
        const r = await time(server.url + c.path, c.accept);
        if (r.status !== 200) throw new Error(`${c.path}: HTTP ${r.status}`);
        if (round >= WARMUP) (samples[i] as number[]).push(r.ms);
        bytes[i] = r.bytes;
      }
    }
    for (const [i, c] of list.entries()) {
      const sorted = (samples[i] as number[]).sort((a, b) => a - b);
      const row = { ...c, median: quantile(sorted, 50), p95: quantile(sorted, 95), max: sorted[sorted.length - 1] as number, bytes: bytes[i] as number };
      results.push(row);
      process.stdout.write(`${c.name}: median ${row.median.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms\n`);
    }
  } finally {
    await server.stop();
  }

  const verdict = (r: (typeof results)[number]) => (r.target === undefined ? 'measured' : r.p95 < r.target ? `< ${r.target} ms: met` : `< ${r.target} ms: NOT met`);
  const table = results.map((r) => `| ${r.name} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.bytes} | ${verdict(r)} |`);
  const size = (statSync(file).size / 2 ** 20).toFixed(0);
  writeSection(
    join(ROOT, 'bench/RESULTS.md'),
    '## Reports',
    [
      `Generated by \`npm run bench:reports\` (bench/reports.ts), ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}.`,
      '',
      `Dataset (\`npm run bench:dataset\`, bench/dataset.ts${generated ? `, ${generated}` : ''}): ${counts.calls.toLocaleString('en')} tool calls (40 tools, skewed), ` +
        `${counts.sessions.toLocaleString('en')} sessions, ${DEFAULT_SIZE.profiles} profiles, ${DEFAULT_SIZE.productivityEvents.toLocaleString('en')} productivity events, ` +
        `${DEFAULT_SIZE.featureUsage.toLocaleString('en')} feature usage records over 90 days; ${size} MiB; ANALYZE run after the load.`,
      `Server: src/server.ts as a child process on that file (migrations, pragmas and \`PRAGMA optimize\` on open as in production), LOG_LEVEL=warn, ` +
        `rate limit off. Client: fetch in the bench process, one request at a time, round-robin over the endpoints, ${WARMUP} warm-up + ${RUNS} timed rounds, body fully read.`,
      `Load average (1 min) ${loadBefore.toFixed(1)} at the start and ${(loadavg()[0] as number).toFixed(1)} at the end: other work shared the 2 cores, so treat the figures as upper bounds.`,
      'Reports without from/to cover the default last 30 days. Percentiles are exact (nearest rank, window functions in SQLite over the raw rows).',
      '',
      '| endpoint | median ms | p95 ms | max ms | bytes | target (p95) |',
      '|---|---|---|---|---|---|',
      ...table,
    ].join('\n'),
  );
}

await main();
