import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ballastPath, freeBytes } from '../../src/db/sqlite/ballast.js';
import type { TestContext } from 'node:test';
import { auth, build, problemOf, type TestApp } from '../helper.js';

/** A small real filesystem when we may mount one (root); null otherwise. */
function smallFilesystem(t: Pick<TestContext, 'after'>, sizeMiB: number): string | null {
  if (process.getuid?.() !== 0) return null;
  const mnt = mkdtempSync(join(tmpdir(), 'devflow-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    rmSync(mnt, { recursive: true, force: true });
    return null;
  }
  // Lazy unmount: the app (closed by a later hook) may still hold the file open.
  t.after(() => {
    execFileSync('umount', ['-l', mnt], { stdio: 'ignore' });
    rmSync(mnt, { recursive: true, force: true });
  });
  return mnt;
}

/** Leaves about `leave` bytes free on the filesystem of dir. */
function fillDisk(dir: string, leave: number): void {
  const fd = openSync(join(dir, 'filler'), 'w');
  const chunk = Buffer.alloc(256 * 1024);
  try {
    while (freeBytes(dir) > leave + chunk.length) writeSync(fd, chunk);
    const rest = freeBytes(dir) - leave;
    if (rest > 0) writeSync(fd, chunk, 0, rest);
  } catch {
    // ENOSPC: full enough
  } finally {
    closeSync(fd);
  }
}

async function writeUntilFull(app: TestApp, max = 2000) {
  for (let i = 0; i < max; i++) {
    const res = await app.inject({ method: 'POST', url: '/v1/sessions', headers: auth(app.keys.ingest), payload: { type: 'test', project: `p${i}-${'x'.repeat(190)}` } });
    if (res.statusCode !== 201) return res;
  }
  throw new Error('the disk never filled up');
}

test('disk full: 507 problem, process up, /readyz 503; the ballast lets ingest recover', async (t) => {
  const mnt = smallFilesystem(t, 16);
  if (mnt) {
    const app = await build(t, { dbPath: join(mnt, 'analytics.db'), ballastMiB: 2 });
    assert.ok(existsSync(ballastPath(join(mnt, 'analytics.db'))), 'ballast created at start');
    fillDisk(mnt, 64 * 1024);
    const full = await writeUntilFull(app);
    assert.equal(full.statusCode, 507);
    assert.equal(problemOf(full).code, 'STORAGE_FULL');
    assert.equal((await app.inject('/readyz')).statusCode, 503);
    assert.equal((await app.inject('/healthz')).statusCode, 200);
    assert.ok(!existsSync(ballastPath(join(mnt, 'analytics.db'))), 'ballast released');
    const again = await app.inject({ method: 'POST', url: '/v1/sessions', headers: auth(app.keys.ingest), payload: { type: 'lint' } });
    assert.equal(again.statusCode, 201, again.body);
    assert.equal((await app.inject('/readyz')).statusCode, 200);
    const check = app.sqlite.db.$client.pragma('integrity_check', { simple: true });
    assert.equal(check, 'ok');
    return;
  }
  // Not root: emulate a full disk with max_page_count; recovery is raising the limit.
  const app = await build(t);
  const sqlite = app.sqlite.db.$client;
  const pages = Number(sqlite.pragma('page_count', { simple: true }));
  sqlite.pragma(`max_page_count = ${pages + 2}`);
  const full = await writeUntilFull(app);
  assert.equal(full.statusCode, 507);
  assert.equal(problemOf(full).code, 'STORAGE_FULL');
  assert.equal((await app.inject('/readyz')).statusCode, 503);
  sqlite.pragma('max_page_count = 1073741823');
  const again = await app.inject({ method: 'POST', url: '/v1/sessions', headers: auth(app.keys.ingest), payload: { type: 'lint' } });
  assert.equal(again.statusCode, 201);
});
