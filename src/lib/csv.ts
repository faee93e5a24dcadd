/**
 * CSV per RFC 4180 (CRLF line ends, fields with a comma, quote, CR or LF quoted, quotes
 * doubled), with the header row made of the JSON field names (contract "Precise rules").
 *
 * Text cells that begin with `=`, `+`, `-`, `@`, tab or carriage return are prefixed with a
 * single quote, so a spreadsheet shows them as text instead of running them as a formula
 * (contract "Reports"; OWASP "CSV Injection"). Numbers are written as numbers: a negative
 * number is data, not a formula, and must stay numeric for the spreadsheet.
 */

export type CsvValue = string | number | boolean | null | undefined;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: null/undefined is empty, text is escaped against formulas and quoted when needed. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A data row, CRLF-terminated. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** The header row: the JSON field names, escaped like any other text. */
export function csvHeader(fields: readonly string[]): string {
  return csvRow(fields);
}

/** A whole document from objects, in the given field order (small results such as reports). */
export function toCsv<T extends Record<string, unknown>>(fields: ReadonlyArray<keyof T & string>, rows: readonly T[]): string {
  let out = csvHeader(fields);
  for (const row of rows) out += csvRow(fields.map((f) => row[f] as CsvValue));
  return out;
}
