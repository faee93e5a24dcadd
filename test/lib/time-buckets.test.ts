import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bucketStart, buckets, isValidTimeZone, offsetSegments, zoneOffset, type BucketUnit } from '../../src/lib/time-buckets.js';

const Z = (s: string) => Date.parse(s);
const iso = (t: number) => new Date(t).toISOString();
const start = (tz: string, unit: BucketUnit, at: string) => iso(bucketStart(tz, unit, Z(at)));

test('time zones are validated by Intl: IANA names and aliases, not offsets or garbage', () => {
  for (const tz of ['UTC', 'Asia/Kolkata', 'America/New_York', 'Australia/Lord_Howe', 'Etc/GMT+5', 'europe/berlin']) assert.ok(isValidTimeZone(tz), tz);
  for (const tz of ['', 'Mars/Olympus', '+05:30', 'x'.repeat(65), 'Europe/Berlin ']) assert.ok(!isValidTimeZone(tz), tz);
});

test('offsets and transitions to the second', () => {
  assert.equal(zoneOffset('Asia/Kolkata', Z('2024-06-01T00:00:00Z')), 330 * 60_000);
  assert.equal(zoneOffset('America/New_York', Z('2024-03-10T06:59:59Z')), -5 * 3_600_000);
  assert.equal(zoneOffset('America/New_York', Z('2024-03-10T07:00:00Z')), -4 * 3_600_000);
  const lordHowe = offsetSegments('Australia/Lord_Howe', Z('2024-01-01T00:00:00.5Z'), Z('2025-01-01T00:00:00Z'));
  assert.deepEqual(lordHowe.map((s) => [iso(s.start), s.offset / 60_000]), [
    ['2024-01-01T00:00:00.000Z', 660],
    ['2024-04-06T15:00:00.000Z', 630],
    ['2024-10-05T15:30:00.000Z', 660],
  ]);
});

test('local days: half-hour offset, both New York DST changes, Lord Howe 30-minute DST, a midnight gap', () => {
  assert.equal(start('Asia/Kolkata', 'day', '2024-03-10T00:00:00Z'), '2024-03-09T18:30:00.000Z');
  assert.equal(start('Asia/Kolkata', 'day', '2024-03-09T18:29:59.999Z'), '2024-03-08T18:30:00.000Z');
  assert.equal(start('America/New_York', 'day', '2024-03-10T23:00:00Z'), '2024-03-10T05:00:00.000Z');
  assert.equal(start('America/New_York', 'day', '2024-03-11T03:59:59Z'), '2024-03-10T05:00:00.000Z');
  assert.equal(start('America/New_York', 'day', '2024-03-11T04:00:00Z'), '2024-03-11T04:00:00.000Z');
  assert.equal(start('America/New_York', 'day', '2024-11-03T12:00:00Z'), '2024-11-03T04:00:00.000Z');
  assert.equal(start('America/New_York', 'day', '2024-11-04T04:30:00Z'), '2024-11-03T04:00:00.000Z');
  assert.equal(start('America/New_York', 'day', '2024-11-04T05:00:00Z'), '2024-11-04T05:00:00.000Z');
  assert.equal(start('Australia/Lord_Howe', 'day', '2024-04-07T12:00:00Z'), '2024-04-06T13:00:00.000Z');
  assert.equal(start('Australia/Lord_Howe', 'day', '2024-04-07T13:29:00Z'), '2024-04-06T13:00:00.000Z');
  assert.equal(start('Australia/Lord_Howe', 'day', '2024-04-07T13:30:00Z'), '2024-04-07T13:30:00.000Z');
  assert.equal(start('Australia/Lord_Howe', 'day', '2024-10-06T12:00:00Z'), '2024-10-05T13:30:00.000Z');
  assert.equal(start('Australia/Lord_Howe', 'day', '2024-10-06T13:00:00Z'), '2024-10-06T13:00:00.000Z');
  // Santiago skips 00:00–01:00 on 2024-09-08: that day starts at 01:00 local (04:00Z).
  assert.equal(start('America/Santiago', 'day', '2024-09-08T12:00:00Z'), '2024-09-08T04:00:00.000Z');
});

test('ISO weeks start on Monday; months on the 1st, both at local midnight', () => {
  assert.equal(start('America/New_York', 'week', '2024-11-06T12:00:00Z'), '2024-11-04T05:00:00.000Z');
  assert.equal(start('America/New_York', 'week', '2024-11-03T12:00:00Z'), '2024-10-28T04:00:00.000Z');
  assert.equal(start('UTC', 'week', '2024-01-07T23:59:59Z'), '2024-01-01T00:00:00.000Z');
  assert.equal(start('Asia/Kolkata', 'week', '2024-01-07T18:30:00Z'), '2024-01-07T18:30:00.000Z');
  assert.equal(start('America/New_York', 'month', '2024-11-15T12:00:00Z'), '2024-11-01T04:00:00.000Z');
  assert.equal(start('America/New_York', 'month', '2024-12-01T04:59:59Z'), '2024-11-01T04:00:00.000Z');
  assert.equal(start('Australia/Lord_Howe', 'month', '2024-04-20T00:00:00Z'), '2024-03-31T13:00:00.000Z');
  assert.equal(start('UTC', 'month', '2024-02-29T12:00:00Z'), '2024-02-01T00:00:00.000Z');
});

test('hours: the repeated New York hour is two buckets; Lord Howe starts a half hour at its transitions', () => {
  const hours = (tz: string, a: string, b: string) => buckets(tz, 'hour', Z(a), Z(b)).map((x) => iso(x.start));
  assert.deepEqual(hours('America/New_York', '2024-11-03T04:30:00Z', '2024-11-03T07:30:00Z'), [
    '2024-11-03T04:00:00.000Z', '2024-11-03T05:00:00.000Z', '2024-11-03T06:00:00.000Z', '2024-11-03T07:00:00.000Z',
  ]);
  assert.deepEqual(hours('Australia/Lord_Howe', '2024-04-06T14:10:00Z', '2024-04-06T16:00:00Z'), [
    '2024-04-06T14:00:00.000Z', '2024-04-06T15:00:00.000Z', '2024-04-06T15:30:00.000Z',
  ]);
  assert.deepEqual(hours('Asia/Kolkata', '2024-03-09T12:00:00Z', '2024-03-09T13:00:00Z'), ['2024-03-09T11:30:00.000Z', '2024-03-09T12:30:00.000Z']);
  assert.deepEqual(buckets('UTC', 'hour', 10, 10), []);
});

test('too many buckets is a RangeError', () => {
  assert.throws(() => buckets('UTC', 'hour', Z('2020-01-01T00:00:00Z'), Z('2024-01-01T00:00:00Z'), 1000), RangeError);
  assert.throws(() => buckets('UTC', 'day', Z('2020-01-01T00:00:00Z'), Z('2024-01-01T00:00:00Z'), 100), RangeError);
});

/** The local calendar as Intl shows it: an oracle independent of the implementation. */
const labels = new Map<string, Intl.DateTimeFormat>();
function local(tz: string, t: number) {
  let f = labels.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', weekday: 'short' });
    labels.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  const dow = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(String(p.weekday));
  const monday = new Date(Date.parse(`${date}T00:00:00Z`) - dow * 86_400_000).toISOString().slice(0, 10);
  return { day: date, week: monday, month: date.slice(0, 7), hour: `${date}T${p.hour}` };
}

const ZONES = ['UTC', 'Asia/Kolkata', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Europe/London', 'Pacific/Chatham', 'America/Santiago'];

test('property: a bucket starts at the first instant of its local day, week or month, and contains t', () => {
  fc.assert(
    fc.property(fc.constantFrom(...ZONES), fc.constantFrom('day', 'week', 'month' as const), fc.integer({ min: Z('2020-01-01T00:00:00Z'), max: Z('2030-01-01T00:00:00Z') }), (tz, unit, t) => {
      const s = bucketStart(tz, unit, t);
      assert.ok(s <= t);
      assert.equal(local(tz, s)[unit], local(tz, t)[unit]);
      assert.notEqual(local(tz, s - 1000)[unit], local(tz, t)[unit]);
    }),
    { numRuns: 400 },
  );
});

test('property: an hour bucket holds t, shares its local hour and offset, and is at most an hour long', () => {
  fc.assert(
    fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Z('2020-01-01T00:00:00Z'), max: Z('2030-01-01T00:00:00Z') }), (tz, t) => {
      const [b] = buckets(tz, 'hour', t, t + 1);
      assert.ok(b && b.start <= t && t < b.end && b.end - b.start <= 3_600_000);
      assert.equal(local(tz, b.start).hour, local(tz, t).hour);
      assert.equal(zoneOffset(tz, b.start), zoneOffset(tz, t));
      const before = b.start - 1000;
      assert.ok(local(tz, before).hour !== local(tz, t).hour || zoneOffset(tz, before) !== zoneOffset(tz, t));
    }),
    { numRuns: 400 },
  );
});

test('property: buckets tile the range without gaps or overlaps', () => {
  fc.assert(
    fc.property(fc.constantFrom(...ZONES), fc.constantFrom('hour', 'day', 'week', 'month' as const), fc.integer({ min: Z('2020-01-01T00:00:00Z'), max: Z('2029-01-01T00:00:00Z') }), fc.integer({ min: 1, max: 90 * 86_400_000 }), (tz, unit, from, span) => {
      const list = buckets(tz, unit, from, from + span);
      assert.ok(list.length > 0);
      assert.ok(list[0]!.start <= from && list[list.length - 1]!.end >= from + span);
      for (let i = 1; i < list.length; i++) assert.equal(list[i]!.start, list[i - 1]!.end);
      for (const b of list) assert.ok(b.end > b.start);
    }),
    { numRuns: 60 },
  );
});
