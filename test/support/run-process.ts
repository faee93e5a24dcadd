import { execFile } from 'node:child_process';
import { ROOT } from './server-process.js';

export type Finished = {
  /** The exit status, or null when the process was killed (timedOut says whether by us). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
};

/**
 * Runs `node --import tsx <script> …args` from the project root until it exits, killing it
 * (SIGKILL: a process spinning on a bug may not answer SIGTERM) after timeoutMs. Only PATH, c8's
 * coverage folder and the given variables reach it, so the test's own environment cannot
 * change the outcome.
 */
export function runNode(script: string, args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<Finished> {
  const coverage = process.env.NODE_V8_COVERAGE ? { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE } : {};
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...coverage, ...env }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const timedOut = error?.killed === true;
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, timedOut });
      },
    );
  });
}
