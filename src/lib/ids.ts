import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

let prefixMs = -1;
let prefix = '';

/**
 * Server-made ids are UUID v7 (RFC 9562): the 48-bit Unix time in ms, so inserts append to
 * the primary-key B-tree, then version 7, then 74 random bits with the RFC's variant, taken
 * from crypto.randomUUID(), whose entropy Node draws in large batches (the uuid package's
 * v7 asked the kernel for random bytes every 16 ids: ~1.5 µs of a single-call ingest).
 * Ids made within one millisecond are not ordered among themselves.
 */
export function newId(): string {
  const ms = Date.now();
  if (ms !== prefixMs) {
    const hex = ms.toString(16).padStart(12, '0');
    prefix = `${hex.slice(0, 8)}-${hex.slice(8)}-7`;
    prefixMs = ms;
  }
  // randomUUID(): xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx; from index 15 on: 3 random hex digits,
  // then the variant group and the rest, all random but the variant bits.
  return prefix + randomUUID().slice(15);
}

/** A UUID is stored one way only: lower case. */
export function canonicalUuid(id: string): string {
  return id.toLowerCase();
}

export function uuidV5(name: string, namespace: string): string {
  return uuidv5(name, namespace);
}

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
