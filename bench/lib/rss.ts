import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/** Samples a process's RSS every intervalMs until stopped; reports the peak. */
export function sampleRss(pid: number, intervalMs = 100) {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {
      // the process ended
    }
  }, intervalMs);
  return {
    stop(): number {
      clearInterval(timer);
      try {
        peak = Math.max(peak, rssOf(pid));
      } catch {
        // the process ended
      }
      return peak;
    },
  };
}

export const mib = (bytes: number) => bytes / (1024 * 1024);
