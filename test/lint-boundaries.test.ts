import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the project's own lint configuration says of some code placed at `file`. */
async function messages(file: string, code: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: ROOT }).lintText(code, { filePath: `${ROOT}${file}` });
  return (result?.messages ?? []).map((m) => `${m.line}:${m.ruleId ?? ''}`);
}

const VIOLATIONS = [
  "import Database from 'better-sqlite3';",
  "import { openDatabase } from '../db/sqlite/client.js';",
  'export const a = (db: { $client: unknown }) => db.$client;',
  "export const b = 'select id from tool_calls where id = ?';",
  'export const c = (t: string) => `delete from ${t} where id = ?`;',
  "export const d = [Database, openDatabase, 'Replace it with an API key of role ingest'];",
].join('\n');

test('services may not reach an engine: no driver or engine import, no connection, no SQL text (npm test lints)', async () => {
  assert.deepEqual(await messages('src/services/boundary-probe.ts', VIOLATIONS), [
    '1:no-restricted-imports',
    '2:no-restricted-imports',
    '3:no-restricted-syntax',
    '4:no-restricted-syntax',
    '5:no-restricted-syntax',
  ]);
  // The same code inside the engine is its business.
  assert.deepEqual(await messages('src/db/sqlite/boundary-probe.ts', VIOLATIONS.replace('../db/sqlite/client.js', './client.js')), []);
});

test('routes may not reach storage at all', async () => {
  const code = "import type { Store } from '../../db/store.js';\nimport { sql } from 'drizzle-orm';\nexport const x: [Store | null, unknown] = [null, sql];";
  assert.deepEqual(await messages('src/routes/v1/boundary-probe.ts', code), ['1:no-restricted-imports', '2:no-restricted-imports']);
});
