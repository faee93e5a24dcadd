import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../src/lib/app-error.js';
import { createOtlpDecoder } from '../../src/lib/otlp-decode-pool.js';
import { mapJsonLogsBody } from '../../src/lib/otlp-json-logs.js';

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const kv = (key: string, stringValue: string) => ({ key, value: { stringValue } });
const bodyOf = (n: number, offset = 0) =>
  Buffer.from(
    JSON.stringify({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: Array.from({ length: n }, (_, i) => ({
                timeUnixNano: `${NOW - 1000 + i}000000`,
                attributes: [kv('event.name', 'tool_result'), kv('session.id', `s${i % 3}`), kv('tool_name', 'Read'), kv('tool_use_id', `u${offset + i}`), kv('duration_ms', String(i))],
              })),
            },
          ],
        },
      ],
    }),
  );

test('a decode thread maps bodies exactly as the calling thread does, several at once', async (t) => {
  const decoder = createOtlpDecoder({ threads: 2, minBytes: 0 });
  t.after(() => decoder.close());
  const bodies = Array.from({ length: 6 }, (_, i) => bodyOf(20 + i, i * 100));
  const mapped = await Promise.all(bodies.map((b) => decoder.decode(b, NOW)));
  assert.deepEqual(mapped, bodies.map((b) => mapJsonLogsBody(b, NOW)));
  assert.equal(mapped[5]?.toolCalls.length, 25);
});

test('a client error made on a decode thread comes back as the same AppError', async (t) => {
  const decoder = createOtlpDecoder({ threads: 1, minBytes: 0 });
  t.after(() => decoder.close());
  for (const text of ['{"resourceLogs": [', '[1]', '{"a": 1.0000000000000001}', '{"a": "\\ud800"}']) {
    const bytes = Buffer.from(text);
    const inline = (() => {
      try {
        mapJsonLogsBody(bytes, NOW);
      } catch (err) {
        return err as AppError;
      }
      throw new Error(`${text} was accepted`);
    })();
    await assert.rejects(decoder.decode(bytes, NOW), (err: unknown) => {
      assert.ok(err instanceof AppError, text);
      assert.deepEqual([err.status, err.code, err.message, err.errors], [inline.status, inline.code, inline.message, inline.errors]);
      return true;
    });
  }
});

test('bodies with a thread that stops, after close, without threads, or small are decoded inline', async () => {
  const decoder = createOtlpDecoder({ threads: 1, minBytes: 0 });
  const inFlight = decoder.decode(bodyOf(50), NOW);
  await decoder.close();
  assert.deepEqual(await inFlight, mapJsonLogsBody(bodyOf(50), NOW), 'the stopped thread left its body to be decoded inline');
  assert.equal((await decoder.decode(bodyOf(3), NOW)).toolCalls.length, 3);

  const none = createOtlpDecoder({ threads: 0, minBytes: 0 });
  assert.equal((await none.decode(bodyOf(4), NOW)).toolCalls.length, 4);
  await none.close();
  const small = createOtlpDecoder({ threads: 1, minBytes: 1 << 20 });
  await assert.rejects(small.decode(Buffer.from('{'), NOW), (err: unknown) => err instanceof AppError && err.code === 'MALFORMED_JSON');
  await small.close();
});
