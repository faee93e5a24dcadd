/**
 * Retention under load: a file with millions of expired tool calls, the real server in its own
 * process, a steady open-loop ingest through POST /v1/tool-calls, and POST /v1/retention/run in
 * the middle. Records the ingest latency before / during / after the run, the run's duration
 * and the file size before and after, in bench/RESULTS.md under "## Retention".
 *
 *   node --import tsx bench/retention.ts                      # 5M expired rows
 *   BENCH_RETENTION_ROWS=1000000 node --import tsx bench/retention.ts
 *
 * Env: BENCH_RETENTION_ROWS (5,000,000), BENCH_INGEST_RPS (100 requests/s), BENCH_INGEST_BATCH
 * (10 tool calls per request); for diagnosis BENCH_SERVER_LOG_LEVEL=info (the run logs each
 * phase with its duration) and BENCH_SERVER_NODE_OPTIONS (e.g. an --import of an event-loop
 * lag probe). The generated file is cached in bench/.tmp/ and copied per run; `--build-only`
 * just generates it.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeDatabase, openDatabase } from '../src/db/sqlite/client.js';
import { runMigrations } from '../src/db/sqlite/migrate.js';
import { newId } from '../src/lib/ids.js';
import { callFields } from './lib/data.js';
import { writeSection } from './lib/results.js';
import { ROOT, startServer } from './lib/server.js';

const ROWS = Number(process.env.BENCH_RETENTION_ROWS ?? 5_000_000);
const RPS = Number(process.env.BENCH_INGEST_RPS ?? 100);
const BATCH = Number(process.env.BENCH_INGEST_BATCH ?? 10);
const KEPT = Math.round(ROWS / 25);
const SESSIONS = 1000;
const DAY = 86_400_000;
const ADMIN_KEY = 'dfa_bench_admin_key_0123456789abcdef';
const TMP = join(ROOT, 'bench', '.tmp');

/** ROWS tool calls from 200 to 91 days ago (expired under the default 90 days) and KEPT recent ones. */
function buildDataset(path: string): number {
  const t0 = performance.now();
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  const db = openDatabase({ path: partial, cacheSizeMiB: 256 });
  runMigrations(db);
  const sqlite = db.$client;
  sqlite.pragma('synchronous = OFF');
  const now = Date.now();
  const sessions = Array.from({ length: SESSIONS }, () => newId());
  const addSession = sqlite.prepare(
    "insert into sessions (id, type, status, started_at, ended_at, updated_at, last_activity_at, tool_call_count) values (?, 'agent', 'completed', ?, ?, ?, ?, 0)",
  );
  sqlite.transaction(() => {
    for (const id of sessions) addSession.run(id, now - 200 * DAY, now - DAY, now - DAY, now - DAY);
  })();
  const insert = sqlite.prepare('insert into tool_calls (id, session_id, tool_name, duration_ms, status, error_type, timestamp) values (?, ?, ?, ?, ?, ?, ?)');
  // Row i of `total` gets a time spread evenly over [start, start + span), in insertion order.
  const chunk = sqlite.transaction((from: number, to: number, offset: number, start: number, span: number, total: number) => {
    for (let i = from; i < to; i++) {
      const f = callFields(offset + i, sessions);
      insert.run(newId(), f.sessionId, f.toolName, f.durationMs, f.status, f.errorType, Math.floor(start + (span * i) / total));
    }
  });
  const fill = (total: number, start: number, span: number, offset: number) => {
    for (let done = 0; done < total; done += 100_000) {
      chunk(done, Math.min(total, done + 100_000), offset, start, span, total);
      process.stdout.write(`  ${offset + done + Math.min(100_000, total - done)} rows\r`);
    }
  };
  fill(ROWS, now - 200 * DAY, 109 * DAY, 0);
  fill(KEPT, now - 30 * DAY, 29 * DAY, ROWS);
  sqlite.exec('update sessions set tool_call_count = (select count(*) from tool_calls t where t.session_id = sessions.id)');
  closeDatabase(db);
  renameSync(partial, path);
  return (performance.now() - t0) / 1000;
}

function post(url: string, path: string, key: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

type Sample = { at: number; ms: number; ok: boolean; status: number };
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
};
const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;
const fileBytes = (p: string) => (existsSync(p) ? statSync(p).size : 0);

async function main(): Promise<void> {
  mkdirSync(TMP, { recursive: true });
  const template = join(TMP, `retention-${ROWS}.db`);
  let buildSeconds: number | null = null;
  if (!existsSync(template)) {
    console.log(`building ${template} (${ROWS} expired + ${KEPT} kept tool calls)…`);
    buildSeconds = buildDataset(template);
    console.log(`built in ${buildSeconds.toFixed(0)} s`);
  }
  if (process.argv.includes('--build-only')) return;
  const dbPath = join(TMP, 'retention-run.db');
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(f, { force: true });
  copyFileSync(template, dbPath);
  const sizeBefore = fileBytes(dbPath);

  const server = await startServer('src/server.ts', { DEVFLOW_DB_PATH: dbPath, DEVFLOW_ADMIN_KEY: ADMIN_KEY, DEVFLOW_SCHEDULER: 'false', DEVFLOW_RATE_LIMIT: '0', ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}), ...(process.env.BENCH_SERVER_LOG_LEVEL ? { LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL } : {}) });
  try {
    const key = JSON.parse((await post(server.url, '/v1/api-keys', ADMIN_KEY, JSON.stringify({ name: 'bench-ingest', role: 'ingest' }))).body).key as string;
    const session = JSON.parse((await post(server.url, '/v1/sessions', key, JSON.stringify({ type: 'agent', project: 'bench' }))).body).id as string;
    const samples: Sample[] = [];
    let inflight = 0;
    let seq = 0;
    const send = () => {
      const items = Array.from({ length: BATCH }, () => ({ ...callFields(seq++, [session]), timestamp: Date.now() }));
      const t = performance.now();
      inflight++;
      post(server.url, '/v1/tool-calls', key, JSON.stringify({ items })).then(
        (r) => samples.push({ at: t, ms: performance.now() - t, ok: r.status === 200, status: r.status }),
        () => samples.push({ at: t, ms: performance.now() - t, ok: false, status: 0 }),
      ).finally(() => inflight--);
    };
    // Open loop: requests go out on schedule whether or not earlier ones answered.
    const timer = setInterval(send, 1000 / RPS);

    await sleep(10_000);
    const loadBefore = loadavg()[0] ?? 0;
    const runStart = performance.now();
    const res = await post(server.url, '/v1/retention/run', ADMIN_KEY);
    const runEnd = performance.now();
    const loadAfter = loadavg()[0] ?? 0;
    await sleep(5_000);
    clearInterval(timer);
    while (inflight > 0) await sleep(10);
    if (res.status !== 200) throw new Error(`run answered ${res.status}: ${res.body}`);
    const run = JSON.parse(res.body) as { deleted: { toolCalls: number }; vacuum: { bytesBefore: number; bytesAfter: number; note: string | null } };

    const phase = (from: number, to: number) => samples.filter((s) => s.at >= from && s.at < to);
    const before = phase(0, runStart);
    const during = phase(runStart, runEnd);
    const after = phase(runEnd, Infinity);
    const row = (name: string, xs: Sample[]) =>
      `| ${name} | ${xs.length} | ${xs.filter((s) => !s.ok).length} | ${pct(xs.map((s) => s.ms), 50).toFixed(1)} | ${pct(xs.map((s) => s.ms), 99).toFixed(1)} | ${Math.max(...xs.map((s) => s.ms)).toFixed(1)} |`;
    await server.stop();
    const sizeAfter = fileBytes(dbPath);
    const p99 = pct(during.map((s) => s.ms), 99);
    const failures = samples.filter((s) => !s.ok).reduce<Record<string, number>>((acc, s) => ({ ...acc, [s.status]: (acc[s.status] ?? 0) + 1 }), {});

    const body = [
      `\`node --import tsx bench/retention.ts\` (BENCH_RETENTION_ROWS=${ROWS}), ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}; 1-min load average ${loadBefore.toFixed(1)} when the run started, ${loadAfter.toFixed(1)} when it ended (other work shared the machine when above ~2).`,
      '',
      `File: ${ROWS.toLocaleString('en')} tool calls 91–200 days old (expired under the default 90 days) + ${KEPT.toLocaleString('en')} recent ones in ${SESSIONS} sessions${buildSeconds === null ? '' : `; generated in ${buildSeconds.toFixed(0)} s`}.`,
      `The real server runs in its own process; the load generator sends ${RPS} POST /v1/tool-calls per second (${BATCH} calls each, open loop) for 10 s, then POST /v1/retention/run, then 5 s more.`,
      '',
      `**Run: ${((runEnd - runStart) / 1000).toFixed(1)} s** for ${run.deleted.toolCalls.toLocaleString('en')} deleted tool calls (${Math.round(run.deleted.toolCalls / ((runEnd - runStart) / 1000)).toLocaleString('en')} rows/s) plus the incremental vacuum and WAL truncation.`,
      `**Ingest p99 during the run: ${p99.toFixed(1)} ms** (target < 50 ms) — ${p99 < 50 ? 'met' : 'NOT met'}.`,
      '',
      '| ingest phase | requests | failed | p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|',
      row('before the run', before),
      row('during the run', during),
      row('after the run', after),
      '',
      ...(Object.keys(failures).length > 0 ? [`Failed requests by status (0 = connection error): ${JSON.stringify(failures)}.`, ''] : []),
      `Database size (page_count × page_size): ${mib(run.vacuum.bytesBefore)} before → ${mib(run.vacuum.bytesAfter)} after. File on disk: ${mib(sizeBefore)} → ${mib(sizeAfter)}.${run.vacuum.note ? ` Note: ${run.vacuum.note}` : ''}`,
      '',
      'What it took (same benchmark, same machine, while building it): deletes and vacuum steps sized by time (~8–10 ms per slice, 5 ms pause with the lock released between write slices) were not enough on their own — ' +
        'p99 during the run was 2.0–2.3 s, from WAL checkpoints run by the request thread (auto-checkpoint: ~20–60 ms every ~1000 pages) and above all a 3.1 s final TRUNCATE of a WAL that had grown to gigabytes ' +
        '(under continuous writes it never restarts). Checkpoints moved to a worker thread with its own connection (PASSIVE every 100 ms; the final TRUNCATE in the worker too) brought the p99 to 47–49 ms with 10 ms slices growing at most 2× per slice, and to 42.5 ms with 8 ms and 1.5× (a 144 s run). ' +
        'Then (2026-12-04) the run waits for the checkpointer between slices once the log holds 16 MiB: a RESTART checkpoint holds writers back while it copies and fsyncs what the log holds, so the WAL a run leaves is what requests wait for (waiting only past the 64 MiB restart size: p99 82 ms; past 16 MiB: the figure above; past 4 MiB: p99 12.2 ms in an 80 s run). ' +
        'The issue\'s naive loop for comparison: 5,000-row batches held the thread 260–640 ms each and one incremental_vacuum call 36 s.',
    ].join('\n');
    console.log(body);
    writeSection(join(ROOT, 'bench', 'RESULTS.md'), '## Retention', body);
  } finally {
    await server.stop();
  }
}

await main();
