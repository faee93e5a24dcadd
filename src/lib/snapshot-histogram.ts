import { Histogram, type Registry } from 'prom-client';
import type { Distribution } from './distribution.js';

type Sample = { labels: { le?: number | string }; sharedLabels: Record<string, string>; value: number; metricName: string };
export type HistogramSeries = { labels: Record<string, string>; distribution: Distribution };

/**
 * A Prometheus histogram whose buckets are counted elsewhere (lib/distribution.ts: the storage
 * engine counts its commits and knows nothing of Prometheus; request durations are counted
 * more cheaply than prom-client's labelled observe), showing the latest snapshots given to
 * show(). It hands prom-client's registry the series in the shape Histogram itself hands it
 * (getForPromString, which Histogram.get() reads too), so the registry writes the text.
 */
export class SnapshotHistogram extends Histogram {
  readonly #name: string;
  readonly #help: string;
  #latest: readonly HistogramSeries[] = [];

  constructor(config: { name: string; help: string; labelNames?: string[]; registers: Registry[] }) {
    super({ ...config, buckets: [] });
    this.#name = config.name;
    this.#help = config.help;
  }

  show(series: readonly HistogramSeries[]): void {
    this.#latest = series;
  }

  async getForPromString() {
    const bucket = `${this.#name}_bucket`;
    const values = this.#latest.flatMap(({ labels, distribution: { bounds, cumulative, count, sum } }): Sample[] => {
      const sample = (value: number, metricName: string, le?: number | string): Sample => ({ labels: le === undefined ? {} : { le }, sharedLabels: labels, value, metricName });
      return [
        ...bounds.map((bound, i) => sample(cumulative[i] ?? 0, bucket, bound)),
        sample(count, bucket, '+Inf'),
        sample(sum, `${this.#name}_sum`),
        sample(count, `${this.#name}_count`),
      ];
    });
    return { name: this.#name, help: this.#help, type: 'histogram', values, aggregator: 'sum' };
  }
}
