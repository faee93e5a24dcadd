import { createHash, hash, randomUUID } from 'node:crypto';

let lastMs = -1;
let prefixMs = -1;
let prefix = '';
let seq = 0;
/** The counter's 24 bits: rand_a and, after the variant digit, the next three hex digits. */
const SEQ_MAX = 0xffffff;

/**
 * Server-made ids are UUID v7 (RFC 9562): the 48-bit Unix time in ms, so inserts append to
 * the primary-key B-tree, then version 7, then a 24-bit counter (RFC 9562 §6.2 method 1,
 * started at a random value in the lower half each millisecond) around the variant digit 8, so
 * ids made within one millisecond still sort in the order they were made (rows posted together
 * list and export in their order), then 48 random bits taken from crypto.randomUUID(), whose
 * entropy Node draws in large batches (the uuid package's v7 asked the kernel for random bytes
 * every 16 ids, a measurable share of a single-call ingest). A clock that steps back keeps the last time.
 */
export function newId(): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx
  const ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    seq = parseInt(random.slice(15, 18) + random.slice(20, 23), 16) & (SEQ_MAX >> 1);
  } else if (seq < SEQ_MAX) {
    seq += 1;
  } else {
    lastMs += 1; // 16M ids in one millisecond: borrow the next one
    seq = 0;
  }
  if (lastMs !== prefixMs) {
    const hex = lastMs.toString(16).padStart(12, '0');
    prefix = `${hex.slice(0, 8)}-${hex.slice(8)}-7`;
    prefixMs = lastMs;
  }
  const counter = seq.toString(16).padStart(6, '0');
  return `${prefix}${counter.slice(0, 3)}-8${counter.slice(3)}${random.slice(23)}`;
}

/** A UUID is stored one way only: lower case. */
export function canonicalUuid(id: string): string {
  return id.toLowerCase();
}

const namespaces = new Map<string, Buffer>();
/** Namespace bytes followed by room for a name: a name that fits is hashed without allocating a buffer. */
const scratch = Buffer.alloc(16 + 2048);
/** scratch's first n bytes, by n: made once, not once a hash. */
const scratchViews: Buffer[] = [];
/** The 17th hex digit with the RFC 9562 variant set (its top bits 10), by the digit's two low bits. */
const VARIANT_DIGIT = '89ab';

/**
 * UUID v5 (RFC 9562 §5.5): SHA-1 of the namespace's 16 bytes and the name's UTF-8, version and
 * variant set. Written here rather than with the uuid package: OTLP ingest makes one per record.
 * One-shot hashing (crypto.hash, Node 20.12+) of a reused buffer, asked for hex: a Buffer
 * digest costs more to hand back than the hash itself, and hex is what the id is written in.
 */
export function uuidV5(name: string, namespace: string): string {
  let ns = namespaces.get(namespace);
  if (!ns) {
    ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
    namespaces.set(namespace, ns);
  }
  ns.copy(scratch, 0);
  const length = scratch.write(name, 16, 'utf8');
  // write() stops before a character that does not fit (up to 4 bytes): a name that left 4
  // bytes free was written whole; a longer one may have been cut short and is hashed from the
  // string instead (hashing the cut name gave two long names that start alike one id).
  const h =
    16 + length <= scratch.length - 4 && typeof hash === 'function'
      ? hash('sha1', (scratchViews[length] ??= scratch.subarray(0, 16 + length)), 'hex')
      : createHash('sha1').update(ns).update(name, 'utf8').digest('hex');
  // Version 5 as the 13th hex digit; variant 10 in the top bits of the 17th.
  const c = h.charCodeAt(16);
  const variant = VARIANT_DIGIT[(c <= 57 ? c - 48 : c - 87) & 3] as string;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
