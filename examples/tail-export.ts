/**
 * Streams the tool-call export (NDJSON, oldest first, no pagination: the server streams every
 * match and ends) and prints each call as its line arrives, in constant memory. Needs a read
 * key. `--since 15m|2h|7d` keeps the recent part only, `--session ID` one session's calls.
 *
 *   DEVFLOW_URL=http://127.0.0.1:3000 DEVFLOW_API_KEY=dfa_… node --import tsx examples/tail-export.ts --since 1h
 */
import { parseArgs } from 'node:util';
import type { ToolCall } from '../clients/typescript/src/index.js';
import { clientFromEnv, ok, run } from './from-env.js';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function sinceToIso(since: string): string {
  const match = /^(\d+)([smhd])$/.exec(since);
  if (!match) throw new Error(`--since must look like 30s, 15m, 2h or 7d, got ${since}`);
  return new Date(Date.now() - Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 0)).toISOString();
}

/** The lines of a byte stream, as they complete (a last line without a newline included). */
async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
  if (rest) yield rest;
}

const describe = (call: ToolCall) =>
  `${call.timestamp}  ${call.toolName}  ${call.status}${call.errorType ? ` (${call.errorType})` : ''}  ${call.durationMs} ms  session ${call.sessionId}`;

run('tail-export', async function tailExport() {
  const { values } = parseArgs({ options: { since: { type: 'string' }, session: { type: 'string' } } });
  const client = clientFromEnv('read');
  const query = {
    format: 'ndjson' as const,
    ...(values.since ? { from: sinceToIso(values.since) } : {}),
    ...(values.session ? { session: values.session } : {}),
  };

  // parseAs 'stream' hands over the body unread, so rows print while the server still sends.
  const body = ok('exportToolCalls', await client.GET('/v1/tool-calls/export', { params: { query }, parseAs: 'stream' }));
  let count = 0;
  if (body) {
    for await (const line of lines(body)) {
      if (!line) continue;
      process.stdout.write(`${describe(JSON.parse(line) as ToolCall)}\n`);
      count += 1;
    }
  }
  process.stdout.write(`${count} tool calls\n`);
});
