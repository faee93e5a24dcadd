import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { lazyChildLogger } from '../../src/lib/lazy-child-logger.js';

function setup(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const parent = pino({ level, redact: { paths: ['secret'], censor: '[redacted]' } }, stream);
  let children = 0;
  const child = parent.child.bind(parent);
  parent.child = ((...args: Parameters<typeof child>) => (children++, child(...args))) as typeof parent.child;
  return { parent: parent as unknown as FastifyBaseLogger, lines, children: () => children };
}

test('no child is built for lines below the level; the first line above builds one, with the bindings and redaction', async () => {
  const { parent, lines, children } = setup('warn');
  const log = lazyChildLogger(parent, { reqId: 'r-1' }, {});
  log.info({ a: 1 }, 'ignored');
  log.debug('ignored too');
  log.trace('and this');
  assert.equal(children(), 0, 'nothing logged: no child');
  log.warn({ secret: 'k', b: 2 }, 'kept');
  log.error('again');
  log.fatal('last');
  await new Promise((r) => setImmediate(r));
  assert.equal(children(), 1, 'built once');
  assert.deepEqual(lines.map((l) => [l.reqId, l.msg]), [['r-1', 'kept'], ['r-1', 'again'], ['r-1', 'last']]);
  assert.equal(lines[0]?.secret, '[redacted]');
  assert.equal(lines[0]?.b, 2);
  log.info('still below the level');
  assert.equal(lines.length, 3);
});

test('level and grandchildren come from the real child; a route level or serializers get pino\'s child at once', () => {
  const { parent, children } = setup('info');
  const log = lazyChildLogger(parent, { reqId: 'r-2' }, {});
  assert.equal(log.level, 'info');
  log.level = 'error';
  assert.equal(log.level, 'error');
  assert.equal(typeof log.child({ part: 1 }).info, 'function');
  (log.silent as () => void)();
  assert.equal(children(), 2, 'the request child, once, and the grandchild');
  lazyChildLogger(parent, { reqId: 'r-3' }, { level: 'debug' });
  assert.equal(children(), 3, 'eager with its own level');
});
