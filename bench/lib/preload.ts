/**
 * Databases preloaded with N tool calls in the client shape, for bench/ingest-shapes.ts: built
 * once per size and schema, cached in bench/.tmp/, copied for every measured run.
 *
 * Built through the storage engine's own API in-process (openSqliteStore → the port's
 * sessions.create and toolCalls.append), so every structure the engine keeps (id indexes,
 * staging, session counters, rollups) is filled the way ingest fills it, not by hand-written
 * SQL that could miss one. The calls look like a fleet's last 30 days: random v4 ids (clients
 * make them), times increasing over the 30 days with the same 0–60 s jitter clients have, the
 * bench/lib/data.ts tool/status mix, sessions spread over a few profiles and projects.
 *
 * The cache file is named after the size, the newest migration tag and a hash of the
 * migrations' SQL, so a schema change builds a new one; a sidecar JSON keeps the session ids
 * and how long the build took. A build goes to `<file>.partial` and is renamed only after a
 * clean close (WAL checkpointed and truncated), so a copy of the main file alone is the whole
 * database.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../../src/db/sqlite/store.js';
import type { Draft, ToolCallRow } from '../../src/db/store.js';
import { callFields } from './data.js';
import { ROOT } from './server.js';

const DAY = 86_400_000;
/** Rows per append, 4 in flight (BENCH_PRELOAD_CHUNK): each append is one group commit and one move into tool_calls. */
const CHUNK = Number(process.env.BENCH_PRELOAD_CHUNK ?? 5000);
const IN_FLIGHT = 4;
const PROFILES = 6;
const PROJECTS = 12;

export type PreloadMeta = {
  size: number;
  migration: string;
  sessions: string[];
  profiles: string[];
  projects: string[];
  /** How the rollups were filled: at ingest (each append), or rebuilt after a load without them. */
  rollups: 'ingest' | 'rebuild';
  cacheMiB: number;
  seconds: number;
  loadSeconds: number;
  rebuildSeconds: number;
  bytes: number;
  builtAt: string;
};

/** The newest migration's tag: a cache made under another schema is never reused. */
export function migrationTag(): string {
  const journal = JSON.parse(readFileSync(join(ROOT, 'migrations/sqlite/meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  return journal.entries.at(-1)?.tag ?? 'none';
}

/** A short hash of every migration's SQL: a migration still being edited (not committed yet) also makes a new cache. */
function migrationsHash(): string {
  const dir = join(ROOT, 'migrations/sqlite');
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  return hash.digest('hex').slice(0, 8);
}

export function preloadPath(size: number): string {
  return join(ROOT, 'bench', '.tmp', `shapes-preload-${size}-${migrationTag()}-${migrationsHash()}.db`);
}

/** Live sessions plus enough older ones that the session index is a realistic size (2000 at 10M). */
export const sessionCount = (size: number) => (size >= 10_000_000 ? 2000 : 200);

const quiet = { warn: () => undefined, error: () => undefined };

function open(path: string, rollups: boolean, cacheMiB: number) {
  return openSqliteStore({ path, groupCommitMs: 2, rollups, exactReportCalls: 20_000, ballastMiB: 0, cacheSizeMiB: cacheMiB, now: Date.now, log: quiet });
}

/** The cached file for `size` (built first if missing) and its sidecar. */
export async function preloaded(size: number, log: (m: string) => void): Promise<{ path: string; meta: PreloadMeta; built: boolean }> {
  const path = preloadPath(size);
  const sidecar = `${path}.json`;
  if (existsSync(path) && existsSync(sidecar)) return { path, meta: JSON.parse(readFileSync(sidecar, 'utf8')) as PreloadMeta, built: false };
  const meta = await build(`${path}.partial`, size, log);
  renameSync(`${path}.partial`, path);
  writeFileSync(sidecar, `${JSON.stringify(meta, null, 1)}\n`);
  return { path, meta, built: true };
}

async function build(path: string, size: number, log: (m: string) => void): Promise<PreloadMeta> {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  // 'rebuild' (default) loads without rollups and builds them with the engine's backfill, the
  // way an upgrade does: at 200k calls 58k rows/s + 2 s, against 37k rows/s keeping them at
  // every append ('ingest'); both give reports equal to the raw rows (BENCH_PRELOAD_ROLLUPS).
  const rollups = process.env.BENCH_PRELOAD_ROLLUPS === 'ingest' ? 'ingest' : 'rebuild';
  // A page cache large enough for a random-id index at 10M (no difference measured at 300k: 8, 64, 1024 MiB); the file is the same.
  const cacheMiB = Number(process.env.BENCH_PRELOAD_CACHE_MIB ?? 1024);
  const t0 = performance.now();
  const now = Date.now();
  const start = now - 30 * DAY;
  let store = open(path, rollups === 'ingest', cacheMiB);
  // A new file's rollups count as built only after a (here empty) backfill, as the server's
  // first start runs it; otherwise the server would rebuild them while it is measured.
  if (rollups === 'ingest') await store.rollups.rebuild();

  const profiles = Array.from({ length: PROFILES }, (_, i) => `bench-profile-${i}`);
  for (const name of profiles) {
    const row = await store.profiles.create({ name, description: 'bench:shapes preload', enabled: true, autoSave: true, debugMode: false }, start, { actor: 'bench', at: start, changes: () => ({}) });
    if (row === 'NAME_TAKEN') throw new Error(`profile ${name} exists`);
  }
  const projects = Array.from({ length: PROJECTS }, (_, i) => `project-${i}`);
  const sessions: string[] = [];
  for (let i = 0; i < sessionCount(size); i += 1) {
    const id = randomUUID();
    // One session in five has no profile; every one started before its first call.
    const profile = i % 5 === 4 ? null : { name: profiles[i % PROFILES] as string };
    const created = await store.sessions.create({ id, profile, type: 'agent', project: projects[i % PROJECTS] as string, startedAt: start - DAY + i * 1000, at: start });
    if (created === 'UNKNOWN_PROFILE' || !created.created) throw new Error(`session ${id} not created`);
    sessions.push(id);
  }

  // Times rise over the 30 days (the file grew that way), each up to 60 s early like a client's clock.
  const step = (now - 60_000 - start) / Math.max(1, size);
  const drafts = (from: number, to: number): Array<Draft<ToolCallRow>> =>
    Array.from({ length: to - from }, (_, k) => {
      const row = from + k;
      const f = callFields(row, sessions);
      return { id: randomUUID(), ...f, status: f.status as ToolCallRow['status'], timestamp: Math.floor(start + row * step + 60_000 - Math.random() * 60_000) };
    });

  let next = 0;
  let done = 0;
  let lastLog = performance.now();
  let lastDone = 0;
  const loadStarted = performance.now();
  // Four appends of CHUNK rows in flight: the write queue commits each as soon as it is full.
  const worker = async () => {
    while (next < size) {
      const from = next;
      const to = Math.min(size, from + CHUNK);
      next = to;
      const result = await store.toolCalls.append(drafts(from, to), { allOrNothing: true });
      if (result.accepted !== to - from) throw new Error(`append ${from}–${to}: ${JSON.stringify(result)}`);
      done += result.accepted;
      const t = performance.now();
      if (t - lastLog > 5000) {
        log(`preload ${size}: ${done.toLocaleString('en-US')} rows, ${Math.round(((done - lastDone) * 1000) / (t - lastLog)).toLocaleString('en-US')} rows/s now, ${Math.round((done * 1000) / (t - loadStarted)).toLocaleString('en-US')} overall`);
        lastLog = t;
        lastDone = done;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  if (done !== size) throw new Error(`preload ${size}: ${done} rows stored`);

  let rebuildSeconds = 0;
  if (rollups === 'rebuild') {
    // Opened with rollups off the store marked them unbuilt; the backfill needs them on.
    await store.close();
    store = open(path, true, cacheMiB);
    log(`preload ${size}: rebuilding rollups`);
    rebuildSeconds = (await store.rollups.rebuild()).seconds;
  }
  // What a running server's upkeep would have done by now: the days that ended are closed.
  await store.rollups.closeDays();
  const stats = await store.stats();
  if (stats.tables.toolCalls !== size) throw new Error(`preload ${size}: tool_calls holds ${stats.tables.toolCalls}`);
  await store.close();
  // close() checkpointed and truncated the log: the main file alone is the database.
  if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0) throw new Error(`preload ${size}: the WAL was not checkpointed`);
  for (const f of [`${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  const seconds = (performance.now() - t0) / 1000;
  log(`preload ${size}: done in ${seconds.toFixed(0)} s (${Math.round(size / loadSeconds).toLocaleString('en-US')} rows/s load${rebuildSeconds ? `, rollups rebuilt in ${rebuildSeconds.toFixed(0)} s` : ''})`);
  return {
    size,
    migration: migrationTag(),
    sessions,
    profiles,
    projects,
    rollups,
    cacheMiB,
    seconds,
    loadSeconds,
    rebuildSeconds,
    bytes: stats.database.databaseBytes,
    builtAt: new Date().toISOString(),
  };
}
