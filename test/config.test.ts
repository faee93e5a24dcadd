import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { mustBe } from '../src/config-errors.js';
import { ConfigError, ENV_SPECS, loadConfig } from '../src/config.js';

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
  assert.equal(c.metrics, false, 'GET /metrics is off unless asked for');
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
  ['DEVFLOW_METRICS', 'yes'],
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

test('a refused value is named with what the variable accepts: its levels, range or length', () => {
  const cases: Array<[string, string, string]> = [
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL: invalid value "loud": must be one of fatal, error, warn, info, debug, trace, silent'],
    ['PORT', 'abc', 'PORT: invalid value "abc": must be an integer from 0 to 65535'],
    ['PORT', '70000', 'PORT: invalid value "70000": must be an integer from 0 to 65535'],
    ['DEVFLOW_MAX_BATCH', '1.5', 'DEVFLOW_MAX_BATCH: invalid value "1.5": must be an integer from 1 to 100000'],
    ['DEVFLOW_CACHE_MIB', '1', 'DEVFLOW_CACHE_MIB: invalid value "1": must be an integer of at least 2'],
    ['DEVFLOW_SCHEDULER', 'maybe', 'DEVFLOW_SCHEDULER: invalid value "maybe": must be true or false (or 1 or 0)'],
    ['DEVFLOW_METRICS', 'on', 'DEVFLOW_METRICS: invalid value "on": must be true or false (or 1 or 0)'],
    ['DEVFLOW_ADMIN_KEY', 'short', 'DEVFLOW_ADMIN_KEY: invalid value (hidden): must be at least 16 characters long'],
  ];
  for (const [variable, value, message] of cases) {
    assert.throws(() => loadConfig({ [variable]: value }), (err: unknown) => err instanceof ConfigError && err.message === message, `${variable}=${value}`);
  }
});

test('every variable that refuses a value says what it accepts, never a TypeBox message', () => {
  let refusing = 0;
  for (const spec of ENV_SPECS) {
    for (const junk of ['junk!', '-7', '99999999999']) {
      let error: unknown;
      try {
        loadConfig({ [spec.env]: junk });
      } catch (err) {
        error = err;
      }
      if (error === undefined) continue; // a value this variable accepts (a path, an origin list, a big number)
      refusing++;
      assert.ok(error instanceof ConfigError, `${spec.env}=${junk}`);
      assert.equal(error.variable, spec.env);
      assert.match(error.message, new RegExp(`^${spec.env}: invalid value .*: must (be|not) `), `${spec.env}=${junk}: ${error.message}`);
      assert.doesNotMatch(error.message, /Expected/, `${spec.env}=${junk}: ${error.message}`);
    }
  }
  assert.ok(refusing >= ENV_SPECS.length, `most variables refuse some junk (${refusing})`);
});

test('the wording comes from the schema, for any shape a setting may take', () => {
  assert.equal(mustBe(Type.Integer({ maximum: 9 })), 'must be an integer of at most 9');
  assert.equal(mustBe(Type.Integer()), 'must be an integer');
  assert.equal(mustBe(Type.String({ minLength: 1 })), 'must not be empty');
  assert.equal(mustBe(Type.Array(Type.String())), 'must be a comma-separated list');
  assert.equal(mustBe(Type.Number()), 'is not valid');
});
