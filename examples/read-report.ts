/**
 * Prints the tools report (calls, errors, latency percentiles per tool) as a table. Needs a
 * read key. `--days N` (default 7) sets the range, `--project NAME` filters by project.
 *
 *   DEVFLOW_URL=http://127.0.0.1:3000 DEVFLOW_API_KEY=dfa_… node --import tsx examples/read-report.ts --days 30
 */
import { parseArgs } from 'node:util';
import type { ToolsReport } from '../clients/typescript/src/index.js';
import { clientFromEnv, ok, run } from './from-env.js';

const DAY_MS = 86_400_000;

type Row = ToolsReport['rows'][number];

const COLUMNS: Array<{ title: string; cell: (row: Row) => string }> = [
  { title: 'tool', cell: (row) => row.toolName },
  { title: 'calls', cell: (row) => String(row.calls) },
  { title: 'errors', cell: (row) => String(row.errors) },
  { title: 'timeouts', cell: (row) => String(row.timeouts) },
  { title: 'error %', cell: (row) => (row.errorRate === null ? '-' : (row.errorRate * 100).toFixed(1)) },
  { title: 'p50 ms', cell: (row) => String(row.p50DurationMs ?? '-') },
  { title: 'p95 ms', cell: (row) => String(row.p95DurationMs ?? '-') },
  { title: 'max ms', cell: (row) => String(row.maxDurationMs ?? '-') },
];

/** A plain-text table: the tool name left-aligned, the figures right-aligned. */
function table(rows: Row[]): string {
  const cells = [COLUMNS.map((column) => column.title), ...rows.map((row) => COLUMNS.map((column) => column.cell(row)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  const format = (line: string[]) => line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return cells.map(format).join('\n');
}

run('read-report', async function readReport() {
  const { values } = parseArgs({ options: { days: { type: 'string', default: '7' }, project: { type: 'string' } } });
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1) throw new Error(`--days must be a whole number of days ≥ 1, got ${values.days}`);
  const client = clientFromEnv('read');
  const to = Date.now();
  const query = { from: new Date(to - days * DAY_MS).toISOString(), to: new Date(to).toISOString(), ...(values.project ? { project: values.project } : {}) };

  const report = ok('getToolsReport', await client.GET('/v1/reports/tools', { params: { query } }));

  if (report.rows.length === 0) {
    process.stdout.write(`no tool calls from ${report.from} to ${report.to}\n`);
    return;
  }
  process.stdout.write(`${table(report.rows)}\n`);
  const calls = report.rows.reduce((total, row) => total + row.calls, 0);
  process.stdout.write(`${calls} tool calls from ${report.from} to ${report.to} (${report.source} data)\n`);
});
