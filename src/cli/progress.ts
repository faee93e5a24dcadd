import { Presets, SingleBar } from 'cli-progress';

/**
 * Progress of long CLI work, on stderr so stdout stays machine-readable: on a terminal a bar with
 * the rate and the time left (cli-progress); otherwise (a pipe, a log file, CI) one line every
 * few seconds; and in both a one-line summary at the end.
 */
export type Progress = {
  /** How much is done, and of how much when that is known (it may be learnt late, or grow). */
  update(done: number, total?: number): void;
  /** Stops the display; writes the summary line unless the command prints its own (summary: false). */
  finish(options?: { summary?: boolean }): void;
};

export type ProgressOptions = {
  /** What the work is, as the command is called: "rollups rebuild", "backup". */
  label: string;
  /** What is counted: 'bytes' (shown in MiB) or a plural noun ("days", "rows"). */
  unit: string;
  /** Writes one line (the command's stderr). */
  write: (line: string) => void;
  /** Draw a bar (default: when stderr is a terminal). */
  tty?: boolean;
  /** Without a terminal, at most one line this often. */
  everyMs?: number;
  now?: () => number;
  /** Where the bar is drawn. */
  stream?: NodeJS.WritableStream;
};

export const PROGRESS_EVERY_MS = 5000;

const MIB = 1024 * 1024;

function amount(n: number, unit: string): string {
  return unit === 'bytes' ? `${(n / MIB).toFixed(1)} MiB` : `${Math.round(n).toLocaleString('en-US')} ${unit}`;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

function rateOf(done: number, seconds: number, unit: string): string {
  const perSecond = seconds > 0 ? done / seconds : 0;
  return unit === 'bytes' ? `${(perSecond / MIB).toFixed(1)} MiB/s` : `${Math.round(perSecond).toLocaleString('en-US')} ${unit}/s`;
}

/** "42% (420.0 MiB of 1000.0 MiB), 85.3 MiB/s, about 7 s left" or, without a total, "1,234 rows, 320 rows/s". */
export function progressLine(done: number, total: number | undefined, seconds: number, unit: string): string {
  const rate = rateOf(done, seconds, unit);
  if (!total) return `${amount(done, unit)}, ${rate}`;
  const left = seconds > 0 && done > 0 ? ((total - done) * seconds) / done : Number.POSITIVE_INFINITY;
  return `${Math.floor((100 * done) / total)}% (${amount(done, unit)} of ${amount(total, unit)}), ${rate}, about ${duration(left)} left`;
}

function startBar(options: ProgressOptions, withTotal: boolean): SingleBar {
  const format = withTotal ? `${options.label} [{bar}] {percentage}% | {amount} | {rate} | ETA {eta_formatted}` : `${options.label} {amount} | {rate}`;
  return new SingleBar({ format, stream: options.stream ?? process.stderr, hideCursor: true, clearOnComplete: true, etaBuffer: 50, fps: 5 }, Presets.shades_classic);
}

export function startProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const everyMs = options.everyMs ?? PROGRESS_EVERY_MS;
  const started = now();
  const tty = options.tty ?? process.stderr.isTTY === true;
  let done = 0;
  let total: number | undefined;
  let lastLine = started;
  let bar: SingleBar | undefined;
  const seconds = () => (now() - started) / 1000;
  const payload = () => ({ amount: total ? `${amount(done, options.unit)} of ${amount(total, options.unit)}` : amount(done, options.unit), rate: rateOf(done, seconds(), options.unit) });

  let barHasTotal = false;
  function draw(): void {
    // A bar drawn before the total was known has no room for one: it starts over with it.
    if (!bar || (total !== undefined && !barHasTotal)) {
      bar?.stop();
      barHasTotal = total !== undefined;
      bar = startBar(options, barHasTotal);
      bar.start(total ?? 0, done, payload());
      return;
    }
    if (total !== undefined && total !== bar.getTotal()) bar.setTotal(total);
    bar.update(done, payload());
  }

  return {
    update(value, of) {
      done = value;
      if (of !== undefined) total = of;
      if (tty) return draw();
      const at = now();
      if (at - lastLine < everyMs) return;
      lastLine = at;
      options.write(`devflow: ${options.label}: ${progressLine(done, total, seconds(), options.unit)}`);
    },
    finish({ summary = true } = {}) {
      bar?.stop();
      if (summary) options.write(`devflow: ${options.label}: ${amount(done, options.unit)} in ${seconds().toFixed(1)} s (${rateOf(done, seconds(), options.unit)})`);
    },
  };
}
