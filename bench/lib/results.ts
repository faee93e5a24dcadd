import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Replaces (or appends) one `## Heading` section of a Markdown file, leaving the others alone. */
export function writeSection(file: string, heading: string, body: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  const section = [heading, '', ...body.trimEnd().split('\n'), ''];
  if (start === -1) {
    const head = text.endsWith('\n') ? text : `${text}\n`;
    writeFileSync(file, `${head}\n${section.join('\n')}`);
    return;
  }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end === -1) end = lines.length;
  const out = [...lines.slice(0, start), ...section, ...lines.slice(end)];
  writeFileSync(file, out.join('\n').replace(/\n{3,}/g, '\n\n'));
}
