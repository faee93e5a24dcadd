import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';

test('defaults follow the contract', () => {
  const c = loadConfig({});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 3000);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.dbPath, join(homedir(), '.devflow', 'analytics.db'));
  assert.equal(c.maxBatch, 1000);
  assert.equal(c.bodyLimit, 2 * 1024 * 1024);
  assert.equal(c.adminKey, undefined);
  assert.deepEqual(c.corsOrigins, []);
});

test('environment variables override the defaults', () => {
  const c = loadConfig({ HOST: '0.0.0.0', PORT: '8080', LOG_LEVEL: 'warn', DEVFLOW_DB_PATH: '/data/x.db', DEVFLOW_MAX_BATCH: '50', DEVFLOW_BODY_LIMIT: '4096', DEVFLOW_CORS_ORIGINS: 'https://a.example, https://b.example', DEVFLOW_SCHEDULER: 'false' });
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.port, 8080);
  assert.equal(c.logLevel, 'warn');
  assert.equal(c.dbPath, '/data/x.db');
  assert.equal(c.maxBatch, 50);
  assert.equal(c.bodyLimit, 4096);
  assert.deepEqual(c.corsOrigins, ['https://a.example', 'https://b.example']);
  assert.equal(c.scheduler, false);
});

for (const [variable, value] of [
  ['PORT', 'abc'],
  ['PORT', '70000'],
  ['LOG_LEVEL', 'loud'],
  ['DEVFLOW_MAX_BATCH', '0'],
  ['DEVFLOW_MAX_BATCH', '1.5'],
  ['DEVFLOW_BODY_LIMIT', '-1'],
  ['DEVFLOW_ADMIN_KEY', 'short'],
  ['DEVFLOW_SCHEDULER', 'maybe'],
] as const) {
  test(`a bad ${variable}=${value} is refused naming the variable`, () => {
    assert.throws(
      () => loadConfig({ [variable]: value }),
      (err: unknown) => err instanceof ConfigError && err.variable === variable && err.message.startsWith(`${variable}:`),
    );
  });
}

test('the admin key never appears in a config error', () => {
  assert.throws(
    () => loadConfig({ DEVFLOW_ADMIN_KEY: 'tiny' }),
    (err: unknown) => err instanceof Error && !err.message.includes('tiny'),
  );
});
