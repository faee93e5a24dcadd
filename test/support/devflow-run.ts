import { spawn, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import { ROOT } from './server-process.js';

export type RunResult = {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Date.now() when devflow's exit was seen. */
  exitedAt: number;
};

export type DevflowRun = { child: ChildProcess; result: Promise<RunResult>; stdoutSoFar: () => string };

/**
 * `node --import tsx src/cli/main.ts run …args` as a real process with only PATH, c8's coverage
 * folder and the given variables in its environment; killed with SIGKILL after timeoutMs so a
 * hang fails the test instead of stalling it. Its stdin gets `input` and ends, unless 'keep-open'.
 */
export function devflowRun(t: Pick<TestContext, 'after'>, args: string[], env: Record<string, string>, input: Buffer | 'keep-open' = Buffer.alloc(0), timeoutMs = 20_000): DevflowRun {
  const coverage = process.env.NODE_V8_COVERAGE ? { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE } : {};
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...coverage, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (input !== 'keep-open') child.stdin.end(input);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  t.after(() => {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const result = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitedAt: Date.now() });
    });
  });
  return { child, result, stdoutSoFar: () => Buffer.concat(out).toString('utf8') };
}

/** Resolves once the condition holds (checked every 20 ms); rejects after timeoutMs. */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
