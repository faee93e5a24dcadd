/** The report benchmark's endpoints and timing loop, shared by bench/reports.ts and bench/rollups.ts. */
import type { RunningServer } from './server.js';

const DAY = 86_400_000;

export type Case = { name: string; path: string; target?: number; accept?: string };
export type Timed = Case & { median: number; p95: number; max: number; bytes: number };

export function reportCases(end: number): Case[] {
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
    { name: 'reports/tools (30 days, one profile)', path: '/v1/reports/tools?profile=profile-007' },
    { name: 'reports/tools (90 days)', path: `/v1/reports/tools?from=${d(90)}&to=${to}` },
    { name: 'reports/tools/timeseries day (30 days)', path: '/v1/reports/tools/timeseries?interval=day' },
    { name: 'reports/tools/timeseries day, America/New_York (30 days)', path: '/v1/reports/tools/timeseries?interval=day&tz=America/New_York' },
    { name: 'reports/tools/timeseries hour, Asia/Kolkata (7 days)', path: `/v1/reports/tools/timeseries?interval=hour&tz=Asia/Kolkata&from=${d(7)}&to=${to}` },
    { name: 'reports/tools/timeseries day, one tool (30 days)', path: '/v1/reports/tools/timeseries?interval=day&tool=Bash' },
    { name: 'stats', path: '/v1/stats', target: 100 },
  ];
}

export const quantile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;

export async function timeRequest(url: string, key: string, accept?: string): Promise<{ ms: number; status: number; bytes: number; body: ArrayBuffer }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}`, ...(accept ? { accept } : {}) } });
  const body = await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status, bytes: body.byteLength, body };
}

/**
 * Round-robin over the endpoints, so a burst of load from other work on the machine hits
 * every endpoint alike instead of whichever happened to be measured at the time.
 */
export async function timeCases(server: RunningServer, key: string, list: Case[], warmup: number, runs: number): Promise<Timed[]> {
  const samples = list.map(() => [] as number[]);
  const bytes = list.map(() => 0);
  for (let round = 0; round < warmup + runs; round++) {
    for (const [i, c] of list.entries()) {
      const r = await timeRequest(server.url + c.path, key, c.accept);
      if (r.status !== 200) throw new Error(`${c.path}: HTTP ${r.status}`);
      if (round >= warmup) (samples[i] as number[]).push(r.ms);
      bytes[i] = r.bytes;
    }
  }
  return list.map((c, i) => {
    const sorted = (samples[i] as number[]).sort((a, b) => a - b);
    return { ...c, median: quantile(sorted, 50), p95: quantile(sorted, 95), max: sorted[sorted.length - 1] as number, bytes: bytes[i] as number };
  });
}
