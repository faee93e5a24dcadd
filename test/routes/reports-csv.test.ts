import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPORT_FIELDS } from '../../src/services/reports.js';
import { auth, build, type TestApp } from '../helper.js';
import { DAY, seedDataset } from './reports-fixture.js';

const NOW = Date.UTC(2026, 9, 15, 10);
const START = NOW - 40 * DAY;

/** RFC 4180 reader (quoted fields, doubled quotes, CRLF): enough to read back what we write. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  assert.equal(cell + row.join(''), '', 'the document ends with CRLF');
  return rows;
}

/** What a JSON value looks like in a cell: null empty, numbers as numbers, text escaped against formulas. */
function cellOf(value: unknown): string {
  if (value === null) return '';
  if (typeof value === 'string') return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return String(value);
}

const REPORTS: Array<[string, keyof typeof REPORT_FIELDS]> = [
  ['sessions', 'sessions'],
  ['tools', 'tools'],
  ['tools/timeseries?interval=day&tz=Asia/Kolkata', 'toolsTimeseries'],
  ['productivity?groupBy=week', 'productivity'],
  ['features', 'features'],
  ['profiles', 'profiles'],
];

async function get(app: TestApp, path: string, headers: Record<string, string> = {}) {
  const sep = path.includes('?') ? '&' : '?';
  return app.inject({ url: `/v1/reports/${path}${sep}from=${START}&to=${NOW}`, headers: { ...auth(app.keys.read), ...headers } });
}

test('every report as CSV: the JSON field names as header, the same numbers as JSON, row for row', async (t) => {
  const app = await build(t, {}, { now: () => NOW });
  seedDataset(app, { seed: 42, start: START, end: NOW, toolCalls: 600 });
  for (const [path, key] of REPORTS) {
    const json = (await get(app, path)).json() as { rows: Array<Record<string, unknown>> };
    assert.ok(json.rows.length > 0, path);
    for (const res of [await get(app, path, { accept: 'text/csv' }), await get(app, `${path}${path.includes('?') ? '&' : '?'}format=csv`)]) {
      assert.equal(res.statusCode, 200, path);
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      const [header, ...rows] = parseCsv(res.body);
      assert.deepEqual(header, [...REPORT_FIELDS[key]], path);
      assert.deepEqual(header, Object.keys(json.rows[0] as object), `${path}: header = JSON field names in order`);
      assert.deepEqual(rows, json.rows.map((r) => (header as string[]).map((f) => cellOf(r[f]))), path);
    }
  }
});

test('text cells starting with = + - @ are escaped; negative numbers stay numbers', async (t) => {
  const app = await build(t, {}, { now: () => NOW });
  seedDataset(app, { seed: 42, start: START, end: NOW, toolCalls: 600 });
  const tools = parseCsv((await get(app, 'tools?format=csv')).body).map((r) => r[0]);
  assert.ok(tools.includes(`'=HYPERLINK("http://x")`), JSON.stringify(tools));
  assert.ok(tools.includes("'-rm"));
  assert.ok(!tools.some((name) => name?.startsWith('=')));
  const raw = (await get(app, 'tools?format=csv')).body;
  assert.ok(raw.includes(`"'=HYPERLINK(""http://x"")"`), 'quotes doubled inside a quoted cell');
  assert.ok(raw.includes('"mcp__github__search, issues"'), 'a comma is quoted');
  const events = parseCsv((await get(app, 'productivity?format=csv')).body);
  assert.ok(events.some((r) => r[1] === "'@review"));
  const negative = events.slice(1).map((r) => r[5] as string).find((v) => v.startsWith('-'));
  assert.ok(negative !== undefined && Number.isFinite(Number(negative)), 'a negative totalTimeSaved is written as a number');
  const features = parseCsv((await get(app, 'features?format=csv')).body);
  assert.ok(features.some((r) => r[0] === "'+misc"));
});

test('format=json wins over Accept; JSON stays the default; q-values are honoured', async (t) => {
  const app = await build(t, {}, { now: () => NOW });
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['tools?format=json', { accept: 'text/csv' }, /^application\/json/],
    ['tools', {}, /^application\/json/],
    ['tools', { accept: '*/*' }, /^application\/json/],
    ['tools', { accept: 'application/json, text/csv;q=0.5' }, /^application\/json/],
    ['tools', { accept: 'application/json;q=0.4, text/csv' }, /^text\/csv/],
    ['tools', { accept: 'text/csv;q=0' }, /^application\/json/],
  ];
  for (const [path, headers, type] of cases) {
    const res = await get(app, path, headers);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), type, `${path} ${JSON.stringify(headers)}`);
  }
  const empty = await get(app, 'profiles?format=csv');
  assert.equal(empty.body, `${REPORT_FIELDS.profiles.join(',')}\r\n`, 'no rows: the header alone');
});
