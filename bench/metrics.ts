/**
 * What GET /metrics costs (issue 22): `node --import tsx bench/metrics.ts`. Not part of `npm test`.
 *
 * The real service in a child process (temp DB, rate limit off, LOG_LEVEL=warn), started with
 * DEVFLOW_METRICS off and on in turns (off, on, off, on, …), each time: 64 sessions, single
 * tool calls at 50 connections (the ingest path that pays the per-request duration histogram),
 * with a scrape every second while metrics are on (Prometheus scrapes every 15 s or so: this is
 * 15× that); then, load stopped, sequential scrapes timed one by one. Prints one JSON line per
 * round and the medians per setting; it records nothing.
 * Environment: BENCH_SECONDS (10), BENCH_ROUNDS (2 of each), BENCH_SCRAPES (200).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sessionIds, singleBodies } from './lib/data.js';
import { postLoad } from './lib/load.js';
import { startServer } from './lib/server.js';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const SECONDS = env('BENCH_SECONDS', 10);
const ROUNDS = env('BENCH_ROUNDS', 2);
const SCRAPES = env('BENCH_SCRAPES', 200);
const ADMIN_KEY = 'dfa_bench_admin_key_0123456789abcdef';

type Round = { metrics: boolean; requestsPerSecond: number; p99Ms: number; non2xx: number; scrapeP50Ms?: number; scrapeP99Ms?: number; scrapeBytes?: number; series?: number };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

async function scrapeOnce(url: string): Promise<{ ms: number; text: string }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /metrics: ${res.status} ${text}`);
  return { ms: performance.now() - t0, text };
}

async function round(metrics: boolean): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'devflow-bench-metrics-'));
  const server = await startServer('src/server.ts', {
    DEVFLOW_DB_PATH: join(dir, 'analytics.db'),
    DEVFLOW_ADMIN_KEY: ADMIN_KEY,
    DEVFLOW_RATE_LIMIT: '0',
    DEVFLOW_SCHEDULER: 'false',
    DEVFLOW_METRICS: String(metrics),
  });
  try {
    const sessions = sessionIds();
    for (const id of sessions) {
      const res = await fetch(`${server.url}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ id, type: 'agent', project: 'bench' }) });
      if (res.status !== 201) throw new Error(`session: ${res.status}`);
    }
    const bodies = singleBodies(20_000, sessions);
    const load = { url: server.url, path: '/v1/tool-calls', key: ADMIN_KEY, bodies, connections: 50 };
    await postLoad({ ...load, seconds: 3 });
    const scraper = metrics ? setInterval(() => void scrapeOnce(server.url).catch(() => undefined), 1000) : null;
    const result = await postLoad({ ...load, seconds: SECONDS });
    if (scraper) clearInterval(scraper);
    const out: Round = { metrics, requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx };
    if (!metrics) return out;
    const times: number[] = [];
    let last = '';
    for (let i = 0; i < SCRAPES; i++) {
      const { ms, text } = await scrapeOnce(server.url);
      times.push(ms);
      last = text;
    }
    const series = last.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
    return { ...out, scrapeP50Ms: quantile(times, 0.5), scrapeP99Ms: quantile(times, 0.99), scrapeBytes: Buffer.byteLength(last), series };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rounds: Round[] = [];
for (let i = 0; i < ROUNDS; i++) {
  for (const metrics of [false, true]) {
    const r = await round(metrics);
    rounds.push(r);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  }
}
for (const metrics of [false, true]) {
  const mine = rounds.filter((r) => r.metrics === metrics);
  process.stdout.write(`${JSON.stringify({ metrics, medianRequestsPerSecond: median(mine.map((r) => r.requestsPerSecond)), medianP99Ms: median(mine.map((r) => r.p99Ms)) })}\n`);
}
