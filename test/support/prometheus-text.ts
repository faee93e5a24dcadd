/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats),
 * for tests: prom-client 15 has no parser and promtool is not installed. It throws on the first
 * line that breaks the grammar or the rules a scraper relies on: HELP and TYPE once per family,
 * before its samples; every sample in a declared family, its suffix allowed by the family's
 * type; no series twice; counters never negative; histogram buckets with `le`, cumulative,
 * ending at +Inf equal to _count.
 */

export type Sample = { name: string; labels: Record<string, string>; value: number };
export type Family = { name: string; help: string; type: string; samples: Sample[] };

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = { counter: [''], gauge: [''], untyped: [''], histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };
const HELP_RE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_RE = new RegExp(`^# TYPE (${NAME}) (\\S+)$`);
const SAMPLE_RE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** As Prometheus reads a value (Go's strconv.ParseFloat): NaN and Inf in any case (prom-client writes "Nan"). */
function parseValue(text: string, where: string): number {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special) return special[2]?.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!NUMBER.test(text)) throw new Error(`${where}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

/** `a="x",b="y\"z"` → { a: 'x', b: 'y"z' }: values with \\, \" and \n escapes only; a trailing comma allowed. */
function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    const name = text.slice(i, eq);
    if (eq < 0 || !LABEL_NAME.test(name)) throw new Error(`${where}: bad label name at ${JSON.stringify(text.slice(i))}`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label ${name} value is not quoted`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] !== '\\') {
        if (text[j] === '\n') throw new Error(`${where}: raw newline in label ${name}`);
        value += text[j];
        continue;
      }
      const escaped = text[++j];
      if (escaped === 'n') value += '\n';
      else if (escaped === '\\' || escaped === '"') value += escaped;
      else throw new Error(`${where}: bad escape \\${String(escaped)} in label ${name}`);
    }
    if (j >= text.length) throw new Error(`${where}: unterminated value of label ${name}`);
    if (Object.hasOwn(labels, name)) throw new Error(`${where}: label ${name} twice`);
    labels[name] = value;
    i = j + 1;
    if (i < text.length) {
      if (text[i] !== ',') throw new Error(`${where}: expected , after label ${name}`);
      i += 1;
    }
  }
  return labels;
}

function familyOf(families: Map<string, Family>, sampleName: string, where: string): Family {
  for (const suffix of ['', '_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const family = families.get(sampleName.slice(0, sampleName.length - suffix.length));
    if (family && (SUFFIXES[family.type] ?? []).includes(suffix)) return family;
  }
  throw new Error(`${where}: sample ${sampleName} belongs to no family declared with HELP and TYPE before it`);
}

function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort());
  for (const s of family.samples.filter((x) => x.name.endsWith('_bucket'))) {
    if (s.labels.le === undefined) throw new Error(`${family.name}: bucket without le`);
    series.set(key(s.labels), [...(series.get(key(s.labels)) ?? []), s]);
  }
  for (const [labels, buckets] of series) {
    const bounds = buckets.map((b) => parseValue(b.labels.le as string, family.name));
    for (let i = 1; i < buckets.length; i++) {
      if (!((bounds[i] as number) > (bounds[i - 1] as number)) || (buckets[i] as Sample).value < (buckets[i - 1] as Sample).value) throw new Error(`${family.name}${labels}: buckets not cumulative in rising le`);
    }
    if (bounds.at(-1) !== Infinity) throw new Error(`${family.name}${labels}: no +Inf bucket`);
    const count = family.samples.find((s) => s.name === `${family.name}_count` && key(s.labels) === labels);
    if (count?.value !== buckets.at(-1)?.value) throw new Error(`${family.name}${labels}: +Inf bucket differs from _count`);
  }
}

export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const pendingHelp = new Map<string, string>();
  const seen = new Set<string>();
  text.slice(0, -1).split('\n').forEach((line, n) => {
    const where = `line ${n + 1}`;
    if (line === '') return;
    const help = HELP_RE.exec(line);
    const type = TYPE_RE.exec(line);
    if (help) {
      const [, name, doc] = help as unknown as [string, string, string];
      if (pendingHelp.has(name) || families.has(name)) throw new Error(`${where}: HELP of ${name} twice`);
      pendingHelp.set(name, doc.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
    } else if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      if (!TYPES.has(kind)) throw new Error(`${where}: unknown type ${kind}`);
      if (families.has(name)) throw new Error(`${where}: TYPE of ${name} twice`);
      const doc = pendingHelp.get(name);
      if (doc === undefined) throw new Error(`${where}: TYPE of ${name} without HELP before it`);
      families.set(name, { name, help: doc, type: kind, samples: [] });
    } else if (line.startsWith('#')) {
      throw new Error(`${where}: a comment that is neither HELP nor TYPE: ${line}`);
    } else {
      const m = SAMPLE_RE.exec(line);
      if (!m) throw new Error(`${where}: not a sample line: ${JSON.stringify(line)}`);
      const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
      const sample = { name, labels: parseLabels(labelText ?? '', where), value: parseValue(valueText, where) };
      const family = familyOf(families, name, where);
      const id = `${name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
      if (seen.has(id)) throw new Error(`${where}: series ${id} twice`);
      seen.add(id);
      if (family.type === 'counter' && !(sample.value >= 0)) throw new Error(`${where}: counter ${name} is ${sample.value}`);
      family.samples.push(sample);
    }
  });
  for (const name of pendingHelp.keys()) if (!families.has(name)) throw new Error(`HELP of ${name} without TYPE`);
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`; throws when there is not exactly one. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const all = [...families.values()].flatMap((f) => f.samples);
  const found = all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name}${JSON.stringify(labels)}`);
  return (found[0] as Sample).value;
}
