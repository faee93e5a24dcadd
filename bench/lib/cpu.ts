import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** utime + stime of a /proc stat line, in microseconds (100 Hz ticks). */
function statMicros(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** CPU time (user + system, all threads) a process has used so far, in microseconds (Linux /proc). */
export function cpuMicros(pid: number): number {
  return statMicros(`/proc/${pid}/stat`);
}

/** CPU time of a process's main thread (the one that serves requests), in microseconds. */
export function mainThreadMicros(pid: number): number {
  return statMicros(`/proc/${pid}/task/${pid}/stat`);
}

/**
 * Startup upkeep (rollup days closed, staged calls moved, the engine's index upkeep: id runs
 * filed, the Bloom filter built) runs after /readyz answers and would land in what a bench
 * times: waits at least `minSeconds`, then until the server used under 5 % of a core over the
 * last second (at most 120 s). Returns the seconds waited.
 */
export async function untilIdle(pid: number, minSeconds: number): Promise<number> {
  const started = performance.now();
  await sleep(minSeconds * 1000);
  for (let i = 0; i < 120; i += 1) {
    const before = cpuMicros(pid);
    await sleep(1000);
    if (cpuMicros(pid) - before < 50_000) break;
  }
  return (performance.now() - started) / 1000;
}
