import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRollupState, patchRollupState, readRollupState } from '../../../src/db/pg/rollups/state.js';
import { inTransaction } from '../../../src/db/pg/transaction.js';
import { freshPgContext } from '../../support/pg.js';

test('the rollup state starts unbuilt with layout 1 and nothing closed, and patches merge field by field', async (t) => {
  const ctx = await freshPgContext(t);
  if (!ctx) return;
  assert.deepEqual(await readRollupState(ctx.db), { built: false, next: null, end: null, layout: 1, closedBefore: null });
  await inTransaction(ctx, (tx) => patchRollupState(tx, { built: false, next: 10, end: 20 }, 1));
  await Promise.all([
    inTransaction(ctx, (tx) => patchRollupState(tx, { layout: 2 }, 2)),
    inTransaction(ctx, (tx) => patchRollupState(tx, { closedBefore: 86_400_000 }, 3)),
  ]);
  assert.deepEqual(await readRollupState(ctx.db), { built: false, next: 10, end: 20, layout: 2, closedBefore: 86_400_000 });
  await inTransaction(ctx, (tx) => patchRollupState(tx, { built: true, next: null, end: null }, 4));
  assert.deepEqual(await readRollupState(ctx.db), { built: true, next: null, end: null, layout: 2, closedBefore: 86_400_000 });
  assert.deepEqual(parseRollupState({ built: 'yes', layout: '3' } as never), { built: false, next: null, end: null, layout: 1, closedBefore: null });
});
