import { Type } from '@sinclair/typebox';
import { NullableTimestamp } from './common.js';
import { RetentionRunSchema } from './retention.js';

const Count = (description: string) => Type.Integer({ minimum: 0, description });

export const StatsSchema = Type.Object(
  {
    tables: Type.Object(
      {
        profiles: Count('rows'),
        sessions: Count('rows'),
        toolCalls: Count('rows'),
        productivityEvents: Count('rows'),
        featureUsage: Count('rows'),
        apiKeys: Count('rows, revoked and expired included'),
        retentionRuns: Count('rows'),
      },
      { description: 'rows per table' },
    ),
    database: Type.Object(
      {
        databaseBytes: Count('main file size: page_count × page_size'),
        walBytes: Count('write-ahead log file size'),
        freePages: Count('pages on the freelist (reclaimable by vacuum)'),
        pageSize: Count('bytes per page'),
      },
      { description: 'storage; the file path is not shown' },
    ),
    newest: Type.Object(
      {
        toolCall: NullableTimestamp('latest tool call timestamp'),
        session: NullableTimestamp('latest session startedAt'),
        productivityEvent: NullableTimestamp('latest productivity event createdAt'),
        featureUsage: NullableTimestamp('latest feature usage startedAt'),
      },
      { description: 'the newest event time per kind; null when there is none' },
    ),
    ingest: Type.Object(
      {
        accepted: Count('items stored by batch writes (tool calls, productivity events, feature usage, OTLP)'),
        duplicates: Count('items skipped as duplicates'),
        rejected: Count('items rejected in partial batches'),
        otlpRecords: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'OTLP log records received, by event name' }),
        otlpMetricsRequests: Count('POST /v1/metrics requests'),
      },
      { description: 'counters since this process started' },
    ),
    lastRetentionRun: Type.Union([RetentionRunSchema, Type.Null()], { description: 'the most recent retention run, or null' }),
  },
  { title: 'Stats' },
);
