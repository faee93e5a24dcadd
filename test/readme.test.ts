import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { test } from 'node:test';
import type { TObject, TSchema } from '@sinclair/typebox';
import { v5 as uuidv5 } from 'uuid';
import { ConfigSchema, ENV_SPECS } from '../src/config.js';
import { OTLP_NAMESPACE } from '../src/lib/otlp-mapping.js';
import { DEV_SESSION_STATUSES, DEV_SESSION_TYPES } from '../src/db/row-types.js';
import * as vocabulary from '../src/lib/vocabulary.js';
import { ProductivityReportQuery, ReportFilterQuery, ToolsTimeseriesQuery } from '../src/schemas/reports.js';
import { auth, build } from './helper.js';

/**
 * Keeps the README honest where that is cheap: its tables against the code they describe, its
 * shell examples free of placeholders and fixed dates, and its OTLP example file against the
 * real app.
 */

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const OTLP_EXAMPLE = readFileSync(new URL('../examples/otlp-request.json', import.meta.url), 'utf8');

/** The text under a heading, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const lines = README.split('\n');
  const start = lines.findIndex((line) => line.replace(/^#+\s*/, '') === heading && line.startsWith('#'));
  assert.ok(start >= 0, `README has no heading "${heading}"`);
  const level = (lines[start]?.match(/^#+/)?.[0] ?? '#').length;
  const end = lines.findIndex((line, i) => i > start && /^#+\s/.test(line) && (line.match(/^#+/)?.[0].length ?? 0) <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** `| \`NAME\` | default | meaning |` rows of the configuration table, by variable. */
function configRows(): Map<string, { defaultCell: string; meaning: string }> {
  const rows = new Map<string, { defaultCell: string; meaning: string }>();
  for (const line of section('Configuration').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = cells[1]?.match(/^`([A-Z_]+)`$/)?.[1];
    if (name) rows.set(name, { defaultCell: cells[2] ?? '', meaning: cells.slice(3).join('|') });
  }
  return rows;
}

/** How the table writes a default: `3000`, `true`, `~/.devflow/analytics.db`, or — for none. */
function shownDefault(value: unknown): string {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return '—';
  const text = String(value);
  return `\`${text.startsWith(homedir()) ? `~${text.slice(homedir().length)}` : text}\``;
}

/** The literal values of a TypeBox union of literals (`Type.Union([Type.Literal('a'), …])`). */
function literals(schema: TSchema): string[] {
  const options = (schema as { anyOf?: Array<{ const?: unknown }> }).anyOf ?? [];
  const values = options.map((option) => option.const).filter((value): value is string => typeof value === 'string');
  assert.ok(values.length > 0, 'expected a union of string literals');
  return values;
}

/** A query schema's property (the reports' query() helper types only the shared filters). */
function property(schema: TObject, name: string): TSchema {
  const found = (schema.properties as Record<string, TSchema | undefined>)[name];
  assert.ok(found, `no query property ${name}`);
  return found;
}

test('the configuration table lists every variable src/config.ts reads, with its default', () => {
  const rows = configRows();
  for (const spec of ENV_SPECS) {
    const row = rows.get(spec.env);
    assert.ok(row, `README "Configuration" has no row for ${spec.env}`);
    assert.equal(row.defaultCell, shownDefault(spec.fallback()), `default of ${spec.env}`);
  }
  const levels = rows.get('LOG_LEVEL')?.meaning ?? '';
  for (const level of literals(ConfigSchema.properties.logLevel)) assert.ok(levels.includes(`\`${level}\``), `LOG_LEVEL row lacks ${level}`);
});

test('the values table lists every value of the vocabulary and of the report parameters', () => {
  const table = section('Values the API accepts');
  const sets: Record<string, readonly string[]> = {
    ...Object.fromEntries(Object.entries(vocabulary).filter(([, value]) => Array.isArray(value))),
    sessionType: DEV_SESSION_TYPES,
    sessionStatus: DEV_SESSION_STATUSES,
    groupBy: literals(property(ProductivityReportQuery, 'groupBy')),
    interval: literals(property(ToolsTimeseriesQuery, 'interval')),
    format: literals(ReportFilterQuery.format),
  };
  assert.ok(Object.keys(sets).length >= 11, 'the vocabulary exports its value lists');
  for (const [name, values] of Object.entries(sets)) {
    for (const value of values) assert.ok(table.includes(`\`${value}\``), `README "Values the API accepts" lacks ${value} (${name})`);
  }
});

/** The commands of every bash/sh block, comments removed, in README order. */
function shellCommands(): string {
  const blocks = [...README.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks
    .join('\n')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .join('\n');
}

test('shell examples paste as written: no placeholders, no fixed dates, no variable used before it is set', () => {
  const commands = shellCommands();
  assert.ok(commands.includes('npm install && npm start'));
  assert.doesNotMatch(commands, /<[A-Za-z][\w .-]*>/, 'a <placeholder> in a command');
  assert.doesNotMatch(commands, /\b20\d\d-\d\d-\d\d/, 'a fixed date in a command (compute it with date)');
  const firstSet = new Map<string, number>();
  for (const match of commands.matchAll(/(?:^|[\s;(])(?:export\s+)?([A-Z][A-Z0-9_]*)=/g)) {
    const name = match[1] as string;
    if (!firstSet.has(name)) firstSet.set(name, match.index ?? 0);
  }
  for (const match of commands.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)) {
    const name = match[1] as string;
    const setAt = firstSet.get(name);
    assert.ok(setAt !== undefined && setAt < (match.index ?? 0), `$${name} is used before any command sets it`);
  }
});

type StoredCall = { id: string; toolName: string; status: string; durationMs: number; errorType: string | null; timestamp: string };

test('examples/otlp-request.json is accepted by POST /v1/logs and stores the calls the README shows', async (t) => {
  const app = await build(t);
  const before = Date.now();
  const res = await app.inject({ method: 'POST', url: '/v1/logs', headers: { ...auth(app.keys.ingest), 'content-type': 'application/json' }, payload: OTLP_EXAMPLE });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {});

  const sessionId = '5b7f3c2e-9d41-4a8e-b6f0-1c2d3e4f5a6b';
  const list = await app.inject({ method: 'GET', url: `/v1/tool-calls?session=${sessionId}`, headers: auth(app.keys.read) });
  const calls = (list.json() as { items: StoredCall[] }).items.sort((a, b) => a.toolName.localeCompare(b.toolName));
  assert.deepEqual(
    calls.map((c) => [c.toolName, c.status, c.durationMs, c.errorType]),
    [
      ['Bash', 'timeout', 120004, null],
      ['github/create_issue', 'success', 842, null],
      ['Read', 'success', 37, null],
    ],
  );
  // Ids come from tool_use_id, so a re-sent file is all duplicates.
  const toolUseIds = [...OTLP_EXAMPLE.matchAll(/"tool_use_id", "value": \{ "stringValue": "([^"]+)"/g)].map((m) => m[1] as string);
  assert.deepEqual(calls.map((c) => c.id).sort(), toolUseIds.map((id) => uuidv5(id, OTLP_NAMESPACE)).sort());
  // The file carries no timestamps: the calls are stored at the time they arrive.
  for (const call of calls) assert.ok(Date.parse(call.timestamp) >= before - 1000 && Date.parse(call.timestamp) <= Date.now(), call.timestamp);
  for (const call of calls) assert.ok(README.includes(`["${call.toolName}","${call.status}",${call.durationMs}]`), `README does not show ${call.toolName}`);

  const session = (await app.inject({ method: 'GET', url: `/v1/sessions/${sessionId}`, headers: auth(app.keys.read) })).json() as Record<string, unknown>;
  assert.deepEqual([session.type, session.project, session.toolCallCount], ['agent', 'billing-api', 3]);
  assert.deepEqual(app.services.counters.snapshot().otlpRecords, { user_prompt: 1, tool_result: 3, api_request: 1 });

  const again = await app.inject({ method: 'POST', url: '/v1/logs', headers: { ...auth(app.keys.ingest), 'content-type': 'application/json' }, payload: OTLP_EXAMPLE });
  assert.deepEqual(again.json(), {});
  assert.equal(app.services.counters.snapshot().duplicates, 3);
});
