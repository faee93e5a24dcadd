import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { AppError } from '../../../src/lib/app-error.js';
import { openPgContext } from '../../../src/db/pg/context.js';
import { isRetryable, isUniqueViolation, isUnavailable, pgCode, translate } from '../../../src/db/pg/errors.js';
import { inTransaction } from '../../../src/db/pg/transaction.js';
import { freshPgContext, freshPgDatabase } from '../../support/pg.js';

test('openPgContext waits for nothing on a live server, migrates an empty database once and answers a working context', async (t) => {
  const empty = await freshPgDatabase(t, { migrated: false });
  if (!empty) return;
  const infos: object[] = [];
  const log = { warn: () => undefined, error: () => undefined, info: (o: object) => void infos.push(o) };
  const ctx = await openPgContext({ url: empty.url, connectTimeoutMs: 5000, now: Date.now, log });
  t.after(() => ctx.pool.end());
  assert.ok(infos.some((o) => (o as { applied?: number }).applied! > 0), 'it said how many migrations it applied');
  const { rows } = await ctx.pool.query<{ n: number }>("select count(*)::int as n from pg_class where relname = 'tool_calls'");
  assert.equal(rows[0]?.n, 1);
  const again = await openPgContext({ url: empty.url, now: Date.now, log });
  await again.pool.end();
  assert.equal(infos.length, 1, 'a second open applies nothing');
});

test('openPgContext gives up on a server that is not there after its timeout, with one line, and leaves no pool open', async () => {
  const started = Date.now();
  const log = { warn: () => undefined, error: () => undefined };
  await assert.rejects(openPgContext({ url: 'postgres://postgres:secret@127.0.0.1:1/nowhere', connectTimeoutMs: 600, now: Date.now, log }), (err: Error) => {
    assert.match(err.message, /^PostgreSQL at 127\.0\.0\.1:1.* did not answer within 0\.6 s/);
    assert.ok(!err.message.includes('secret'), 'never the password');
    return true;
  });
  assert.ok(Date.now() - started < 5000);
});

test('inTransaction runs a serialization failure again and commits once; other errors roll back and propagate', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  await ctx.pool.query("insert into settings (key, value, updated_at) values ('n', '0'::jsonb, 0)");
  const bump = (ms: number) =>
    inTransaction(
      ctx,
      async (tx) => {
        const [row] = (await tx.execute(sql`select (value)::text::int as n from settings where key = 'n'`)).rows as Array<{ n: number }>;
        await new Promise((r) => setTimeout(r, ms));
        await tx.execute(sql`update settings set value = to_jsonb(${(row?.n ?? 0) + 1}::int) where key = 'n'`);
      },
      { isolationLevel: 'serializable', attempts: 10 },
    );
  // Two read-modify-writes at once: under serializable one fails with 40001 and runs again.
  await Promise.all([bump(150), bump(0)]);
  const { rows } = await ctx.pool.query<{ n: number }>("select (value)::text::int as n from settings where key = 'n'");
  assert.equal(rows[0]?.n, 2, 'no update lost');

  await assert.rejects(
    inTransaction(ctx, async (tx) => {
      await tx.execute(sql`update settings set value = '100'::jsonb where key = 'n'`);
      await tx.execute(sql`insert into settings (key, value, updated_at) values ('n', '1'::jsonb, 0)`);
    }),
    (err: unknown) => isUniqueViolation(err),
  );
  const after = await ctx.pool.query<{ n: number }>("select (value)::text::int as n from settings where key = 'n'");
  assert.equal(after.rows[0]?.n, 2, 'rolled back');
});

test('translate: disk full is 507 STORAGE_FULL, busy and unavailable are 503 with Retry-After, anything else passes as it is', () => {
  const wrapped = (code: string) => Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('driver'), { code }) });
  assert.equal(pgCode(wrapped('23505')), '23505');
  assert.equal(pgCode(new Error('plain')), null);
  const full = translate(wrapped('53100')) as AppError;
  assert.ok(full instanceof AppError);
  assert.deepEqual([full.status, full.code], [507, 'STORAGE_FULL']);
  for (const code of ['40001', '40P01', '55P03']) assert.deepEqual([(translate(wrapped(code)) as AppError).status, (translate(wrapped(code)) as AppError).code], [503, 'DATABASE_BUSY'], code);
  for (const code of ['08006', '57P01', '57P03', '57014']) assert.deepEqual([(translate(wrapped(code)) as AppError).status, (translate(wrapped(code)) as AppError).code], [503, 'DATABASE_UNAVAILABLE'], code);
  assert.ok(isUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })));
  assert.ok(isUnavailable(new Error('timeout exceeded when trying to connect')));
  assert.ok(isRetryable(wrapped('40P01')));
  const other = wrapped('23514');
  assert.equal(translate(other), other);
  const app = new AppError(409, 'X', 'x');
  assert.equal(translate(app), app);
});
