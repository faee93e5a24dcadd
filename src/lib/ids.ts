import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

/** Server-made ids are UUID v7: time-ordered, so inserts append to the primary-key B-tree. */
export function newId(): string {
  return uuidv7();
}

/** A UUID is stored one way only: lower case. */
export function canonicalUuid(id: string): string {
  return id.toLowerCase();
}

export function uuidV5(name: string, namespace: string): string {
  return uuidv5(name, namespace);
}

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
