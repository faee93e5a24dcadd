import { addEncoded, bucketOf } from './latency-histogram.js';
import { DAY_MS, GRAINS, HOUR_MS, isFoldedAtClose, offsetHourOf, slotOf } from './rollup-grains.js';

/**
 * What tool calls add to (or take from) the rollup rows, keyed by each row's primary key:
 * slot rows (slot, tool, profile, project) and the summary rows derived from them (grain,
 * scope, slot, tool). Pure arithmetic, engine-neutral; counts, sums and histograms add exactly.
 */

/** What one stored tool call contributes. */
export type RollupInput = { toolName: string; durationMs: number; status: string; timestamp: number; profileId: number | null; project: string | null };

export type Key = Array<number | string>;
/** What some calls add to (or take from) one rollup row. */
export type Delta = { key: Key; calls: number; errors: number; timeouts: number; sum: number; max: number; hist: Map<number, number> };
/** A stored slot rollup row, as read back. */
export type SlotRow = { slot_start: number; tool_name: string; profile_id: number; project: string; calls: number; errors: number; timeouts: number; duration_sum: number; duration_max: number; histogram: Uint8Array };

/** One slot-level delta as tool_call_rollup_deltas stores it. */
type EncodedDelta = [number, string, number, string, number, number, number, number, number, number[]];

/** Sums what some calls (or some slot rollups) contribute to each rollup row, by the row's primary key. */
export class Deltas {
  readonly rows = new Map<string, Delta>();

  private at(key: Key, id = key.join('\u0000')): Delta {
    let d = this.rows.get(id);
    if (!d) {
      d = { key, calls: 0, errors: 0, timeouts: 0, sum: 0, max: 0, hist: new Map() };
      this.rows.set(id, d);
    }
    return d;
  }

  /** One raw call, into its slot row. */
  call(r: RollupInput, bucket: number): void {
    const slot = slotOf(r.timestamp);
    const profile = r.profileId ?? 0;
    const project = r.project ?? '';
    let d = this.rows.get(`${slot}\u0000${r.toolName}\u0000${profile}\u0000${project}`);
    d ??= this.at([slot, r.toolName, profile, project]);
    d.calls += 1;
    if (r.status === 'error') d.errors += 1;
    else if (r.status === 'timeout') d.timeouts += 1;
    d.sum += r.durationMs;
    d.max = Math.max(d.max, r.durationMs);
    d.hist.set(bucket, (d.hist.get(bucket) ?? 0) + 1);
  }

  /** Another delta (a slot row's, feeding the summaries). */
  delta(key: Key, x: Delta): void {
    const d = this.add(key, x.calls, x.errors, x.timeouts, x.sum, x.max);
    for (const [bucket, count] of x.hist) d.hist.set(bucket, (d.hist.get(bucket) ?? 0) + count);
  }

  /** Every delta of another set. */
  absorb(other: Deltas): void {
    for (const d of other.rows.values()) this.delta(d.key, d);
  }

  /**
   * These deltas as JSON text for tool_call_rollup_deltas: per row its key, counters and the
   * histogram's [bucket, count] pairs flattened.
   */
  encode(): string {
    const out: unknown[] = [];
    for (const d of this.rows.values()) {
      const pairs: number[] = [];
      for (const [bucket, count] of d.hist) pairs.push(bucket, count);
      out.push([...d.key, d.calls, d.errors, d.timeouts, d.sum, d.max, pairs]);
    }
    return JSON.stringify(out);
  }

  /** Adds deltas encode() wrote (slot keys: slot, tool, profile, project). */
  decode(json: string): void {
    for (const [slot, tool, profile, project, calls, errors, timeouts, sum, max, pairs] of JSON.parse(json) as EncodedDelta[]) {
      const d = this.add([slot, tool, profile, project], calls, errors, timeouts, sum, max);
      for (let i = 0; i < pairs.length; i += 2) d.hist.set(pairs[i] as number, (d.hist.get(pairs[i] as number) ?? 0) + (pairs[i + 1] as number));
    }
  }

  /** A stored slot rollup row. */
  slot(key: Key, r: SlotRow): void {
    addEncoded(this.add(key, r.calls, r.errors, r.timeouts, r.duration_sum, r.duration_max).hist, r.histogram);
  }

  /**
   * The summary deltas of these slot-level deltas: the profile and project days from each, the
   * '' scope's grains from their sums per slot and tool (a slot's rows differ only by profile
   * and project), so each histogram is merged a few times rather than once per grain. Days from
   * `closedBefore` on (null: none) get only the summaries kept live on open days.
   */
  summaries(closedBefore: number | null): Deltas {
    const out = new Deltas();
    const byTool = new Deltas();
    const closed = (slot: number) => closedBefore === null || slot < closedBefore;
    for (const d of this.rows.values()) {
      const [slot, tool, profile, project] = d.key as [number, string, number, string];
      byTool.delta([slot, tool], d);
      if (!closed(slot)) continue;
      const day = Math.floor(slot / DAY_MS) * DAY_MS;
      if (profile !== 0) out.delta([DAY_MS, `profile:${profile}`, day, tool], d);
      if (project !== '') out.delta([DAY_MS, `project:${project}`, day, tool], d);
    }
    for (const d of byTool.rows.values()) {
      const [slot, tool] = d.key as [number, string];
      const all = closed(slot);
      for (const key of toolSummaryKeys(slot, tool)) if (all || !isFoldedAtClose(key[0] as number)) out.delta(key, d);
    }
    return out;
  }

  private add(key: Key, calls: number, errors: number, timeouts: number, sum: number, max: number): Delta {
    const d = this.at(key);
    d.calls += calls;
    d.errors += errors;
    d.timeouts += timeouts;
    d.sum += sum;
    d.max = Math.max(d.max, max);
    return d;
  }
}

/** The '' scope's summary rows a slot of a tool feeds: every grain, and its half-past hour. (Profile and project days: Deltas.summaries.) */
function toolSummaryKeys(t: number, tool: string): Key[] {
  const keys: Key[] = GRAINS.map((g) => [g, '', Math.floor(t / g) * g, tool]);
  const offsetHour = offsetHourOf(t);
  if (offsetHour !== null) keys.push([HOUR_MS, '', offsetHour, tool]);
  return keys;
}

/** The slot-level deltas of some stored calls. */
export function slotDeltas(rows: readonly RollupInput[]): Deltas {
  const slots = new Deltas();
  for (const r of rows) slots.call(r, bucketOf(r.durationMs));
  return slots;
}
