import { readFileSync } from 'node:fs';

/** CPU time (user + system, all threads) a process has used so far, in microseconds (Linux /proc, 100 Hz ticks). */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}
