import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { CLIENT_SCHEMA_FILE, checkClientSchema, readOpenapiDocument, renderClientSchema } from '../scripts/generate-client.js';
import { tempDir } from './helper.js';
import { runNode } from './support/run-process.js';

/**
 * The typed client (clients/typescript) is generated from the committed openapi.yaml, which
 * openapi.test.ts keeps equal to the routes: together they fail `npm test` whenever a route
 * changes and the client was not regenerated.
 */

type Doc = ReturnType<typeof readOpenapiDocument>;
type SchemaNode = { properties: Record<string, unknown>; required: string[] };

/** Renames a component schema's property in place (same position, still required), as a route change would. */
function renameProperty(document: Doc, schema: string, from: string, to: string): void {
  const node = document.components?.schemas?.[schema] as SchemaNode | undefined;
  assert.ok(node?.properties[from], `${schema}.${from} exists`);
  node.properties = Object.fromEntries(Object.entries(node.properties).map(([name, value]) => [name === from ? to : name, value]));
  node.required = node.required.map((name) => (name === from ? to : name));
}

test('the committed client types are what openapi.yaml produces (run `npm run client:generate` after `npm run openapi`)', async () => {
  const report = await checkClientSchema();
  assert.equal(report.upToDate, true, report.message);
  assert.match(report.message, /clients\/typescript\/src\/schema\.ts matches openapi\.yaml/);
});

test('generation is deterministic and marks its output as generated', async () => {
  const document = readOpenapiDocument();
  const first = await renderClientSchema(document);
  const second = await renderClientSchema(readOpenapiDocument());
  assert.equal(first, second, 'same document, same bytes');
  assert.deepEqual(document, readOpenapiDocument(), 'rendering leaves the caller\'s document as it was');
  assert.match(first, /^\/\*\*\n \* GENERATED FILE, do not edit\. Written by scripts\/generate-client\.ts/);
  const header = first.slice(0, first.indexOf('export interface paths'));
  assert.doesNotMatch(header, /\d{4}-\d\d-\d\d|\d+\.\d+\.\d+/, 'no date or tool version in the header');
  for (const id of ['createSession', 'ingestToolCalls', 'exportToolCalls', 'getToolsReport']) {
    assert.ok(first.includes(`operations["${id}"]`), `paths refer to operation ${id}`);
  }
});

test('the check reports drift when a schema property is renamed', async () => {
  const document = readOpenapiDocument();
  renameProperty(document, 'Session', 'toolCallCount', 'toolCalls');
  const report = await checkClientSchema(document);
  assert.equal(report.upToDate, false);
  assert.match(report.message, /out of date with openapi\.yaml \(line \d+: generated "toolCalls: number;", committed "toolCallCount: number;"\): run `npm run client:generate`/);
});

test('the check reports drift when a route is added', async () => {
  const document: Doc = readOpenapiDocument();
  const paths = document.paths as Record<string, unknown>;
  paths['/v1/things'] = {
    get: { operationId: 'listThings', tags: ['operations'], summary: 'Things', responses: { 200: { description: 'things', content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } } },
  };
  const report = await checkClientSchema(document);
  assert.equal(report.upToDate, false);
  assert.match(report.message, /\/v1\/things|listThings/);
});

test('`npm run client:check` exits 1 with one clear line on a changed document, 0 on the committed one', async (t) => {
  const changed = readOpenapiDocument();
  renameProperty(changed, 'ToolCall', 'toolName', 'tool');
  const file = join(tempDir(t), 'openapi.yaml');
  writeFileSync(file, stringify(changed));
  const before = readFileSync(CLIENT_SCHEMA_FILE, 'utf8');

  const drifted = await runNode('scripts/generate-client.ts', ['--check', '--openapi', file], {});
  assert.equal(drifted.code, 1, drifted.stderr);
  assert.equal(drifted.stdout, '');
  assert.match(drifted.stderr, /^clients\/typescript\/src\/schema\.ts is out of date with openapi\.yaml \(line \d+: generated "tool: string;", committed "toolName: string;"\): run `npm run client:generate` and commit it\n$/);
  assert.equal(readFileSync(CLIENT_SCHEMA_FILE, 'utf8'), before, '--check writes nothing');

  const clean = await runNode('scripts/generate-client.ts', ['--check'], {});
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal(clean.stdout, 'clients/typescript/src/schema.ts matches openapi.yaml\n');
});
