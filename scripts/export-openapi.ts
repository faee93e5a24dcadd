/**
 * Writes openapi.yaml from the routes the server actually registers.
 * `--check` fails (exit 1) when the committed file differs from what the server serves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../openapi.yaml', import.meta.url));

export async function renderOpenapi(): Promise<string> {
  const app = await buildApp(testConfig({ dbPath: ':memory:', adminKey: 'dfa_openapi_export_only_0000' }));
  try {
    await app.ready();
    return app.swagger({ yaml: true });
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const rendered = await renderOpenapi();
  if (!check) {
    writeFileSync(OPENAPI_FILE, rendered);
    process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(OPENAPI_FILE, 'utf8');
  } catch {
    committed = '';
  }
  if (committed !== rendered) {
    process.stderr.write('openapi.yaml is out of date with the routes: run `npm run openapi` and commit it\n');
    process.exit(1);
  }
  process.stdout.write('openapi.yaml matches the routes\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
