import { Histogram, type Registry } from 'prom-client';
import type { Distribution } from './distribution.js';

type Sample = { labels: { le?: number | string }; sharedLabels: Record<string, never>; value: number; metricName: string };

/**
 * A Prometheus histogram whose buckets are counted elsewhere: the storage engine counts its own
 * commits (lib/distribution.ts) and knows nothing of Prometheus, and a scrape shows the latest
 * snapshot given to show(). prom-client's Histogram counts only its own observe() calls, one at
 * a time; this one hands prom-client's registry the snapshot in the shape Histogram itself
 * hands it (getForPromString, which Histogram.get() reads too), so the registry formats it.
 */
export class SnapshotHistogram extends Histogram {
  readonly #name: string;
  readonly #help: string;
  #latest: Distribution = { bounds: [], cumulative: [], count: 0, sum: 0 };

  constructor(config: { name: string; help: string; registers: Registry[] }) {
    super({ ...config, buckets: [] });
    this.#name = config.name;
    this.#help = config.help;
  }

  show(snapshot: Distribution): void {
    this.#latest = snapshot;
  }

  async getForPromString() {
    const { bounds, cumulative, count, sum } = this.#latest;
    const bucket = `${this.#name}_bucket`;
    const sample = (value: number, metricName: string, le?: number | string): Sample => ({ labels: le === undefined ? {} : { le }, sharedLabels: {}, value, metricName });
    const values = [
      ...bounds.map((bound, i) => sample(cumulative[i] ?? 0, bucket, bound)),
      sample(count, bucket, '+Inf'),
      sample(sum, `${this.#name}_sum`),
      sample(count, `${this.#name}_count`),
    ];
    return { name: this.#name, help: this.#help, type: 'histogram', values, aggregator: 'sum' };
  }
}
