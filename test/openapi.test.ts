import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { parse } from 'yaml';
import { OPENAPI_FILE, renderOpenapi } from '../scripts/export-openapi.js';
import { build } from './helper.js';

test('the committed openapi.yaml is what the server serves (run `npm run openapi` after changing routes)', async (t) => {
  const app = await build(t);
  const served = await app.inject('/openapi.yaml');
  assert.equal(served.statusCode, 200);
  const committed = readFileSync(OPENAPI_FILE, 'utf8');
  assert.equal(committed, await renderOpenapi());
  assert.deepEqual(parse(committed), parse(served.body));
});

test('the document is valid OpenAPI 3.1 with a bearer scheme and problem responses', async () => {
  const doc = parse(readFileSync(OPENAPI_FILE, 'utf8'));
  const api = (await SwaggerParser.validate(structuredClone(doc))) as Record<string, any>;
  assert.equal(api.openapi, '3.1.0');
  assert.deepEqual(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', description: 'API key: dfa_…' });
  assert.ok(doc.components.schemas.Problem);
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(methods)) {
      assert.ok(op.summary, `${method} ${path} has a summary`);
      assert.ok(op.tags?.length, `${method} ${path} has tags`);
      assert.ok(op.responses, `${method} ${path} has responses`);
    }
  }
});

test('info.version is the package version (Swagger UI shows what package.json says)', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  const doc = parse(readFileSync(OPENAPI_FILE, 'utf8'));
  assert.equal(doc.info.version, pkg.version);
});

test('/openapi.json and /docs are public', async (t) => {
  const app = await build(t);
  const json = await app.inject('/openapi.json');
  assert.equal(json.statusCode, 200);
  assert.equal(json.json().openapi, '3.1.0');
  const docs = await app.inject('/docs/');
  assert.ok([200, 302].includes(docs.statusCode));
});

test('Swagger UI is not forced to https (the service speaks plain HTTP by default)', async (t) => {
  const app = await build(t);
  const res = await app.inject('/docs');
  assert.equal(res.statusCode, 200);
  assert.doesNotMatch(String(res.headers['content-security-policy']), /upgrade-insecure-requests/);
});
