/** A staged call: the values of tool_calls' columns, as tool_call_batches stores them (JSON). */
export type CallTuple = [id: string, sessionId: string, toolName: string, durationMs: number, status: string, errorType: string | null, timestamp: number];
/** Where a move got to: the last (timestamp, id) moved. */
export type Key = [number, string];

/** Timestamp order, then id (ids are unique among staged calls). */
export const before = (a: Key, ts: number, id: string): boolean => a[0] < ts || (a[0] === ts && a[1] < id);
const compare = (x: CallTuple, y: CallTuple): number => x[6] - y[6] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0);

/** One group commit's calls, sorted. */
export type StagedRun = { batch: number; calls: CallTuple[] };
export const sortedRun = (batch: number, calls: CallTuple[]): StagedRun => ({ batch, calls: [...calls].sort(compare) });

/**
 * The staged calls of many group commits in one (timestamp, id) order: a k-way merge of their
 * sorted runs over a binary heap of cursors, so a move takes the oldest calls first without
 * sorting everything staged at once.
 */
export class StagedMerge {
  private readonly heap: Array<{ run: CallTuple[]; at: number }> = [];

  constructor(runs: StagedRun[], after: Key | null) {
    for (const { calls } of runs) {
      let at = 0;
      if (after) while (at < calls.length && !before(after, (calls[at] as CallTuple)[6], (calls[at] as CallTuple)[0])) at += 1;
      if (at < calls.length) this.push({ run: calls, at });
    }
  }

  get empty(): boolean {
    return this.heap.length === 0;
  }

  /** The next `n` calls (fewer at the end), oldest first. */
  take(n: number): CallTuple[] {
    const out: CallTuple[] = [];
    while (out.length < n && this.heap.length > 0) {
      const top = this.heap[0] as { run: CallTuple[]; at: number };
      out.push(top.run[top.at] as CallTuple);
      top.at += 1;
      if (top.at < top.run.length) this.down(0);
      else {
        const last = this.heap.pop() as { run: CallTuple[]; at: number };
        if (this.heap.length > 0) {
          this.heap[0] = last;
          this.down(0);
        }
      }
    }
    return out;
  }

  private head = (i: number): CallTuple => {
    const c = this.heap[i] as { run: CallTuple[]; at: number };
    return c.run[c.at] as CallTuple;
  };

  private push(cursor: { run: CallTuple[]; at: number }): void {
    this.heap.push(cursor);
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compare(this.head(i), this.head(parent)) >= 0) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent] as (typeof this.heap)[number], this.heap[i] as (typeof this.heap)[number]];
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.heap.length && compare(this.head(l), this.head(m)) < 0) m = l;
      if (r < this.heap.length && compare(this.head(r), this.head(m)) < 0) m = r;
      if (m === i) return;
      [this.heap[i], this.heap[m]] = [this.heap[m] as (typeof this.heap)[number], this.heap[i] as (typeof this.heap)[number]];
      i = m;
    }
  }
}
