import { index, pgTable, uuid } from 'drizzle-orm/pg-core';
import { ms } from './columns.js';

/**
 * Global id uniqueness for the partitioned tables (schema/telemetry.ts). A unique index on a
 * partitioned table must include the partition key, so `unique (id)` across partitions cannot
 * be declared there; the contract needs exactly that (an id is a duplicate whatever its
 * timestamp). So each kind has a narrow table, not partitioned, keyed by id alone: the write
 * path (the next step) claims ids with `insert into <kind>_ids … on conflict do nothing
 * returning id` and stores the rows whose id came back, in the same transaction, so concurrent
 * replicas cannot both take an id.
 *
 * One table per kind rather than one shared with a kind column: the contract scopes ids to a
 * kind, each kind has its own retention cutoff, and the key stays 16 bytes.
 *
 * Each row keeps its call's partition key, for two reasons: retention deletes the ids of an
 * expired range with one index range (the `_ts_idx` below) when it drops the partition, and a
 * row found by id is found in one partition (`where id = $1 and timestamp = $2`). Nothing
 * enforces that every id has its row and back (a foreign key either way would need an index
 * on the partitioned table's id, the cost this design avoids); the store keeps both in one
 * transaction.
 */

export const toolCallIds = pgTable(
  'tool_call_ids',
  {
    id: uuid('id').primaryKey(),
    timestamp: ms('timestamp').notNull(),
  },
  (t) => [index('tool_call_ids_ts_idx').on(t.timestamp)],
);

export const productivityEventIds = pgTable(
  'productivity_event_ids',
  {
    id: uuid('id').primaryKey(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('productivity_event_ids_ts_idx').on(t.createdAt)],
);

export const featureUsageIds = pgTable(
  'feature_usage_ids',
  {
    id: uuid('id').primaryKey(),
    startedAt: ms('started_at').notNull(),
  },
  (t) => [index('feature_usage_ids_ts_idx').on(t.startedAt)],
);
