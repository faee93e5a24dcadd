/**
 * Calendar buckets in an IANA time zone (contract "Reports": local midnight, DST and
 * half-hour offsets included, ISO weeks starting Monday) with nothing but Intl.
 *
 * The zone's UTC offset is piecewise constant: the range is cut into segments of one offset
 * (transitions found by sampling, then bisection to the second). Within a segment the wall
 * clock is `t + offset`, so a bucket's start is arithmetic. A day, week or month starts at the
 * first instant whose local date falls in it; when local midnight does not exist (a DST gap)
 * that is the transition instant. An hour is a wall-clock hour within one offset: the two
 * 01:00 hours of a fall-back night are two buckets, and Lord Howe's 30-minute shift starts a
 * partial hour at the transition.
 */

export type BucketUnit = 'hour' | 'day' | 'week' | 'month';
export type Bucket = { start: number; end: number };

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Offsets change at most a few times a year; sampling at this step finds every transition. */
const SAMPLE_STEP = 6 * HOUR;
/** Longest bucket plus the widest offset: how far before `from` its bucket can start. */
const LOOKBACK = 32 * DAY + 28 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone (IANA names, case-insensitive, and their aliases). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at instant t, in ms (local − UTC), to the second. */
export function zoneOffset(timeZone: string, t: number): number {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(t)) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const wall = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(t / SECOND) * SECOND;
}

type Segment = { start: number; offset: number };

/** The offset segments covering [from, to): each starts at a transition (the first at `from`). */
export function offsetSegments(timeZone: string, rangeFrom: number, to: number): Segment[] {
  // Offsets change on whole seconds: bisect on second boundaries.
  const from = Math.floor(rangeFrom / SECOND) * SECOND;
  const segments: Segment[] = [{ start: from, offset: zoneOffset(timeZone, from) }];
  let lo = from;
  while (lo < to) {
    const hi = Math.min(lo + SAMPLE_STEP, to);
    const current = (segments[segments.length - 1] as Segment).offset;
    if (zoneOffset(timeZone, hi) === current) {
      lo = hi;
      continue;
    }
    // Bisect to the first second with another offset.
    let a = lo;
    let b = hi;
    while (b - a > SECOND) {
      const mid = a + Math.max(1, Math.floor((b - a) / 2 / SECOND)) * SECOND;
      if (zoneOffset(timeZone, mid) === current) a = mid;
      else b = mid;
    }
    segments.push({ start: b, offset: zoneOffset(timeZone, b) });
    lo = b;
  }
  return segments;
}

/** The first instant whose wall clock reads `wall` or later. */
function firstInstantAtOrAfter(segments: Segment[], wall: number): number {
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as Segment;
    const next = segments[i + 1];
    if (next === undefined || next.start + seg.offset > wall) return Math.max(seg.start, wall - seg.offset);
  }
  /* c8 ignore next */
  throw new Error('unreachable: the last segment is open-ended');
}

/** Start (as wall-clock ms) of the calendar bucket containing wall-clock time `wall`. */
function wallBucketStart(unit: Exclude<BucketUnit, 'hour'>, wall: number): number {
  const day = Math.floor(wall / DAY) * DAY;
  if (unit === 'day') return day;
  if (unit === 'week') return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
  const d = new Date(day);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextWallBucket(unit: Exclude<BucketUnit, 'hour'>, wallStart: number): number {
  if (unit === 'day') return wallStart + DAY;
  if (unit === 'week') return wallStart + 7 * DAY;
  const d = new Date(wallStart);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/**
 * The buckets that meet [from, to), in order, as UTC instants: `start` is the bucket's own
 * start (it may precede `from`), `end` the next bucket's start (it may pass `to`).
 */
export function buckets(timeZone: string, unit: BucketUnit, from: number, to: number, maxBuckets = 100_000): Bucket[] {
  if (to <= from) return [];
  const segments = offsetSegments(timeZone, from - LOOKBACK, to + LOOKBACK);
  const starts = unit === 'hour' ? hourStarts(segments, from, to, maxBuckets) : calendarStarts(segments, unit, from, to, maxBuckets);
  return starts.slice(0, -1).map((start, i) => ({ start, end: starts[i + 1] as number }));
}

/** Bucket starts from the one containing `from` through the first at or after `to` (the end). */
function calendarStarts(segments: Segment[], unit: Exclude<BucketUnit, 'hour'>, from: number, to: number, max: number): number[] {
  const offsetAtFrom = segmentAt(segments, from).offset;
  let wall = wallBucketStart(unit, from + offsetAtFrom);
  let start = firstInstantAtOrAfter(segments, wall);
  // A fall-back across midnight can put `from` in the label before; step back until it fits.
  while (start > from) {
    wall = wallBucketStart(unit, wall - 1);
    start = firstInstantAtOrAfter(segments, wall);
  }
  const starts = [start];
  while (start < to) {
    wall = nextWallBucket(unit, wall);
    const next = firstInstantAtOrAfter(segments, wall);
    if (next <= start) continue;
    start = next;
    starts.push(start);
    if (starts.length > max + 1) throw new RangeError(`more than ${max} buckets`);
  }
  return starts;
}

function hourStarts(segments: Segment[], from: number, to: number, max: number): number[] {
  const starts: number[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as Segment;
    const segEnd = segments[i + 1]?.start ?? Number.POSITIVE_INFINITY;
    if (segEnd <= from) continue;
    let t = Math.max(seg.start, Math.floor((Math.max(seg.start, from) + seg.offset) / HOUR) * HOUR - seg.offset);
    while (t < segEnd) {
      starts.push(t);
      if (t >= to) return starts;
      if (starts.length > max + 1) throw new RangeError(`more than ${max} buckets`);
      t = Math.floor((t + seg.offset) / HOUR) * HOUR + HOUR - seg.offset;
    }
  }
  /* c8 ignore next */
  return starts;
}

function segmentAt(segments: Segment[], t: number): Segment {
  let found = segments[0] as Segment;
  for (const seg of segments) {
    if (seg.start > t) break;
    found = seg;
  }
  return found;
}

/** The start of the bucket containing t (one instant; reports assign rows in SQL instead). */
export function bucketStart(timeZone: string, unit: BucketUnit, t: number): number {
  return (buckets(timeZone, unit, t, t + 1)[0] as Bucket).start;
}
