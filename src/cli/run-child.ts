import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { OutputTally } from './run-output.js';

/** Signals devflow passes on to the command instead of dying of them (as `npm run` does). */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

/**
 * After the command exits, how long its pipes may stay silent before devflow stops reading
 * them: a background process it started may hold them open for good (a shell does not wait
 * for those either), while output still flowing is read to the end.
 */
const DRAIN_IDLE_MS = 250;

export type ChildOutcome =
  | {
      started: true;
      /** The exit status, or null when a signal ended it. */
      code: number | null;
      signal: NodeJS.Signals | null;
      /** The first signal devflow received (and forwarded) while the command ran. */
      received: ForwardedSignal | null;
      /** When it exited (its pipes may be drained a little later). */
      exitedAt: Date;
      /** Whether the command's last byte on stderr (or on stdout too, when both are terminals) was not a newline. */
      openLine: boolean;
    }
  | { started: false; code: 126 | 127; message: string };

export type ChildIo = { stdout: Writable & { isTTY?: boolean }; stderr: Writable & { isTTY?: boolean } };

type Pass = { from: Readable; to: Writable };

/**
 * Copies a child's stream to ours unchanged, with backpressure (a slow reader of our stdout
 * slows the command, as it would without devflow), feeding the tally on the way. When our side
 * breaks (EPIPE: `devflow run … | head -1`), the command gets what a pipe would have given it:
 * SIGPIPE (which a program that ignores it does not notice), then a closed stream on its next
 * write. Node's child pipes are socket pairs, whose closing alone reads as "connection reset".
 */
function passThrough({ from, to }: Pass, child: ChildProcess, push: (chunk: Buffer) => void, onData: (chunk: Buffer) => void): void {
  let broken = false;
  // Stays attached: an EPIPE may be reported after the command ended, and must not crash devflow.
  to.on('error', (error: NodeJS.ErrnoException) => {
    if (broken) return;
    broken = true;
    if (error.code === 'EPIPE' && child.exitCode === null && child.signalCode === null) child.kill('SIGPIPE');
    from.destroy();
  });
  from.on('data', (chunk: Buffer) => {
    push(chunk);
    onData(chunk);
    if (broken) return;
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
}

/** Resolves with the exit event's values, then once the pipes are drained (or idle, see DRAIN_IDLE_MS). */
function finished(child: ChildProcess, streams: Readable[], lastData: () => number): Promise<{ code: number | null; signal: NodeJS.Signals | null; exitedAt: Date }> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      const exitedAt = Date.now();
      const done = () => {
        clearInterval(timer);
        for (const s of streams) s.destroy();
        resolve({ code, signal, exitedAt: new Date(exitedAt) });
      };
      const timer = setInterval(() => {
        const paused = streams.some((s) => s.isPaused());
        if (!paused && Date.now() - Math.max(exitedAt, lastData()) >= DRAIN_IDLE_MS) done();
      }, DRAIN_IDLE_MS / 5);
      child.once('close', done);
    });
  });
}

/**
 * Runs the command with stdin inherited and stdout/stderr piped through to ours, byte for byte,
 * counting lines on the way. SIGINT, SIGTERM and SIGHUP sent to devflow go to the command, and
 * devflow itself waits for the command to end.
 */
export function runChild(command: readonly string[], env: NodeJS.ProcessEnv, tally: OutputTally, io: ChildIo): Promise<ChildOutcome> {
  const [file = '', ...args] = command;
  let received: ForwardedSignal | null = null;
  const child = spawn(file, args, { env, stdio: ['inherit', 'pipe', 'pipe'] });
  const forward = (signal: ForwardedSignal) => {
    received ??= signal;
    child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  const unlisten = () => {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  };

  return new Promise((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill(); the exit event still comes
      unlisten();
      // What a shell answers: 127 for a command it cannot find, 126 for one it cannot run.
      const reason = error.code === 'ENOENT' ? 'command not found' : error.code === 'EACCES' ? 'permission denied' : error.message;
      resolve({ started: false, code: error.code === 'ENOENT' ? 127 : 126, message: `${file}: ${reason}` });
    });
    child.once('spawn', () => {
      const stdout = child.stdout as Readable;
      const stderr = child.stderr as Readable;
      let lastData = Date.now();
      let openLine = false;
      const onData = (isStderr: boolean) => (chunk: Buffer) => {
        lastData = Date.now();
        if (isStderr || (io.stdout.isTTY && io.stderr.isTTY)) openLine = chunk[chunk.length - 1] !== 0x0a;
      };
      const out = tally.stream();
      const err = tally.stream();
      passThrough({ from: stdout, to: io.stdout }, child, (c) => out.push(c), onData(false));
      passThrough({ from: stderr, to: io.stderr }, child, (c) => err.push(c), onData(true));
      void finished(child, [stdout, stderr], () => lastData).then(({ code, signal, exitedAt }) => {
        unlisten();
        out.end();
        err.end();
        resolve({ started: true, code, signal, exitedAt, received, openLine });
      });
    });
  });
}
