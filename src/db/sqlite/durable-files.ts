import { closeSync, fsyncSync, openSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';

/** Flushes a file (or a folder's entries) to the disk. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } catch (err) {
    // Some file systems refuse fsync on a folder (EINVAL, EISDIR); the rename is then as durable as they make it.
    if (!(err instanceof Error && 'code' in err && (err.code === 'EINVAL' || err.code === 'EISDIR' || err.code === 'EPERM'))) throw err;
  } finally {
    closeSync(fd);
  }
}

/**
 * Puts a finished file in place of target: its content on the disk first, then the rename (atomic
 * on one file system: a reader sees the old file or the new one, never a part), then the folder
 * entry on the disk, so a crash leaves one or the other.
 */
export function replaceDurably(finished: string, target: string): void {
  fsyncPath(finished);
  renameSync(finished, target);
  fsyncPath(dirname(target));
}
