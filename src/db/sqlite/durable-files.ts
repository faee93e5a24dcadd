import { closeSync, fsyncSync, openSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';

/** Database files, their copies and the lock file: readable by their owner only. */
export const PRIVATE_FILE = 0o600;

const REFUSED = new Set(['EINVAL', 'EISDIR', 'EPERM', 'EACCES']);

/** Flushes a file (or a folder's entries) to the disk. */
export function fsyncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch (err) {
    // Some systems refuse to open or fsync a folder (Windows; some file systems): a rename is then as durable as they make it.
    if (!(err instanceof Error && 'code' in err && REFUSED.has(String(err.code)))) throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
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
