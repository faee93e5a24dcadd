import { createRequire } from 'node:module';

/** The part of autocannon's result the benchmark reads (autocannon 8 ships no types). */
export type LoadResult = {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  throughput: { average: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
};

type Options = {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  requests: Array<{ method: string; path: string; headers?: Record<string, string>; setupRequest?: (req: Record<string, unknown>) => Record<string, unknown> }>;
};

const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Options) => Promise<LoadResult>;

/** POSTs the bodies round-robin (each request takes the next one) for `seconds`. */
export function postLoad(opts: { url: string; path: string; key?: string; bodies: string[]; connections: number; seconds: number }): Promise<LoadResult> {
  let next = 0;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  return autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [
      {
        method: 'POST',
        path: opts.path,
        headers,
        setupRequest: (req) => ({ ...req, body: opts.bodies[next++ % opts.bodies.length] }),
      },
    ],
  });
}

/** GETs one path for `seconds` (the service's own per-request floor: probes, auth). */
export function getLoad(opts: { url: string; path: string; key?: string; connections: number; seconds: number }): Promise<LoadResult> {
  return autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [{ method: 'GET', path: opts.path, headers: opts.key ? { authorization: `Bearer ${opts.key}` } : {} }],
  });
}
