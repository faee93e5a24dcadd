/**
 * Counts of observations at or below each bound (cumulative, the shape of a Prometheus
 * histogram), with their count and sum. Kept by whoever observes (the storage engine counts
 * its commits) and read as a snapshot by whoever exports them, so neither knows the other.
 */
export type Distribution = { bounds: readonly number[]; cumulative: readonly number[]; count: number; sum: number };

/** Rows a group commit carried: 1 (a lone write) up to the 5,000 that make a group commit at once. */
export const COMMIT_ROWS_BOUNDS: readonly number[] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
/** Seconds a commit held the write lock, BEGIN to COMMIT: a fraction of a millisecond to a stalled second. */
export const COMMIT_SECONDS_BOUNDS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createDistribution(bounds: readonly number[]) {
  const perBound = new Array<number>(bounds.length).fill(0);
  let count = 0;
  let sum = 0;
  return {
    /** A few comparisons: observed once per commit, never per row. */
    observe(value: number): void {
      count += 1;
      sum += value;
      for (let i = 0; i < bounds.length; i++) {
        if (value <= (bounds[i] as number)) {
          perBound[i] = (perBound[i] as number) + 1;
          return;
        }
      }
    },
    snapshot(): Distribution {
      let running = 0;
      const cumulative = perBound.map((n) => (running += n));
      return { bounds, cumulative, count, sum };
    },
  };
}

export type DistributionCounter = ReturnType<typeof createDistribution>;
