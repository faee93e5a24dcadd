/** Long background work (a retention run, a rollup rebuild) stopped between two slices because its signal aborted. */
export class RunAbortedError extends Error {
  override name = 'RunAbortedError';
}

/** A retention run's lease expired and another run took it over: this run stops. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** Throws RunAbortedError, with the abort reason's text, when the signal has aborted. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    throw new RunAbortedError(reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'the run was aborted');
  }
}
