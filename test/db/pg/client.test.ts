import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { createPgPool, parseInt8, parseInt8Array, parseNumeric, pgDatabase } from '../../../src/db/pg/client.js';
import { describeTarget, redactUrl } from '../../../src/db/pg/urls.js';
import { freshPgDatabase, pgLane } from '../../support/pg.js';

test('int8 and numeric text become numbers; an integer beyond 2^53 is an error, never a rounded number', () => {
  assert.equal(parseInt8('0'), 0);
  assert.equal(parseInt8('-42'), -42);
  assert.equal(parseInt8(String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
  assert.equal(parseInt8(String(Number.MIN_SAFE_INTEGER)), Number.MIN_SAFE_INTEGER);
  assert.throws(() => parseInt8('9007199254740992'), RangeError);
  assert.throws(() => parseInt8('9007199254740993'), /9007199254740993 is beyond 2\^53/);
  assert.throws(() => parseInt8('-9223372036854775808'), RangeError);
  assert.equal(parseNumeric('37.5000000000000000'), 37.5);
  assert.equal(parseNumeric('12'), 12);
  assert.equal(parseNumeric('NaN'), Number.NaN);
  assert.throws(() => parseNumeric('123456789012345678901234567890'), RangeError);
  assert.deepEqual(parseInt8Array('{1,NULL,-3}'), [1, null, -3]);
  assert.deepEqual(parseInt8Array('{{1,2},{3,4}}'), [[1, 2], [3, 4]]);
  assert.throws(() => parseInt8Array('{1,9007199254740993}'), RangeError);
});

test('a URL is shown without its password, and a target as host:port', () => {
  assert.equal(redactUrl('postgres://devflow:s3cret@db.internal:6543/analytics'), 'postgres://devflow:***@db.internal:6543/analytics');
  assert.equal(redactUrl('postgresql://u@h/db?password=s3cret&sslmode=require'), 'postgresql://u@h/db?password=***&sslmode=require');
  assert.equal(redactUrl('postgres://h/db'), 'postgres://h/db');
  assert.equal(redactUrl('mysql://u:s3cret@h/db'), '(a PostgreSQL URL that does not parse)');
  assert.equal(redactUrl('not a url s3cret'), '(a PostgreSQL URL that does not parse)');
  assert.equal(describeTarget('postgres://u:s3cret@db.internal:6543/analytics'), 'db.internal:6543');
  assert.equal(describeTarget('postgres://u@[::1]/db'), '[::1]:5432');
  assert.equal(describeTarget('postgres:///db?host=/var/run/postgresql'), '/var/run/postgresql:5432');
  assert.equal(describeTarget('postgres:///db'), 'localhost:5432');
  assert.equal(describeTarget('::'), '(a PostgreSQL URL that does not parse)');
});

test('through the pool and through Drizzle, int8, counts and sums come back as numbers', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const pool = fresh.pool();
  const raw = await pool.query<{ big: number; n: number; total: number; mean: number; all: number[] }>(
    'select 9007199254740991::int8 as big, count(*) as n, sum(x) as total, avg(x) as mean, array_agg(x order by x) as all from (values (1::int8), (2::int8)) v(x)',
  );
  assert.deepEqual(raw.rows[0], { big: Number.MAX_SAFE_INTEGER, n: 2, total: 3, mean: 1.5, all: [1, 2] });
  await assert.rejects(pool.query('select 9007199254740993::int8 as big'), RangeError);
  await assert.rejects(pool.query('select sum(x) from (values (9007199254740991::int8), (2::int8)) v(x)'), RangeError);
  const db = pgDatabase(pool);
  const viaDrizzle = await db.execute<{ at: number }>(sql`select ${Date.UTC(2026, 0, 1)}::int8 as at`);
  assert.equal(viaDrizzle.rows[0]?.at, Date.UTC(2026, 0, 1));
  // Drizzle wraps a driver error (DrizzleQueryError); the parser's RangeError is its cause.
  await assert.rejects(db.execute(sql`select 9007199254740993::int8`), (err: Error) => err.cause instanceof RangeError);
  // The pool survives a failed parse: the next query is served.
  assert.equal((await pool.query<{ one: number }>('select 1::int8 as one')).rows[0]?.one, 1);
});

test('the pool names itself, cuts long statements, and answers an exhausted pool with an error, not a hang', async (t) => {
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const pool = fresh.pool({ applicationName: 'devflow-replica-a', statementTimeoutMs: 200, max: 1, acquireTimeoutMs: 300 });
  const named = await pool.query<{ name: string }>('select application_name as name from pg_stat_activity where pid = pg_backend_pid()');
  assert.equal(named.rows[0]?.name, 'devflow-replica-a');
  await assert.rejects(pool.query('select pg_sleep(5)'), (err: { code?: string }) => err.code === '57014', 'canceled by statement_timeout');
  const held = await pool.connect();
  const started = Date.now();
  await assert.rejects(pool.query('select 1'), /timeout/i);
  assert.ok(Date.now() - started < 3000, 'gave up about when acquireTimeoutMs said');
  held.release();
  assert.equal((await pool.query<{ one: number }>('select 1 as one')).rows[0]?.one, 1);
});

test('a connection that dies idle in the pool is reported and replaced; the process lives on', async (t) => {
  const url = await pgLane(t);
  if (!url) return;
  const fresh = await freshPgDatabase(t);
  if (!fresh) return;
  const errors: Error[] = [];
  const pool = createPgPool({ url: fresh.url, max: 1, onIdleError: (err) => errors.push(err) });
  t.after(() => pool.end());
  const pid = (await pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
  const killer = fresh.pool();
  await killer.query('select pg_terminate_backend($1)', [pid]);
  for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(errors.length, 1);
  assert.notEqual((await pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid, pid);
});
