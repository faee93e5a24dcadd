import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { test } from 'node:test';
import { checkPortFree, listenFailure } from '../src/listen-port.js';
import { freePort } from './support/server-process.js';

async function refused(host: string, port: number): Promise<unknown> {
  try {
    await checkPortFree(host, port);
  } catch (err) {
    return err;
  }
  throw new Error(`${host}:${port} was free`);
}

test('a port in use: the check fails with EADDRINUSE, and the line names PORT (exit 1)', async (t) => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.after(() => holder.close());
  const { port } = holder.address() as { port: number };
  const err = await refused('127.0.0.1', port);
  assert.deepEqual(listenFailure(err, '127.0.0.1', port), {
    line: `devflow: cannot listen on 127.0.0.1:${port}: the port is in use (set PORT to another port)`,
    exitCode: 1,
  });
});

test('an address that is not this machine\'s: the line names HOST (exit 2)', async () => {
  const port = await freePort();
  const err = await refused('192.0.2.1', port); // TEST-NET-1: never a local address
  assert.deepEqual(listenFailure(err, '192.0.2.1', port), {
    line: `devflow: cannot listen on 192.0.2.1:${port}: HOST is not an address of this machine (set HOST to one, such as 127.0.0.1 or 0.0.0.0)`,
    exitCode: 2,
  });
});

test('the check lets go of the port at once: a client is refused (not accepted and reset) and the port can be listened on; port 0 checks nothing', async () => {
  const port = await freePort();
  await checkPortFree('127.0.0.1', port);
  const error = await new Promise<NodeJS.ErrnoException>((resolve) => connect(port, '127.0.0.1').on('error', resolve));
  assert.equal(error.code, 'ECONNREFUSED');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await checkPortFree('127.0.0.1', 0);
});

test('every listen failure is one line naming the setting to change', () => {
  const errno = (code: string) => Object.assign(new Error(code), { code });
  assert.deepEqual(listenFailure(errno('EACCES'), '0.0.0.0', 80), {
    line: 'devflow: cannot listen on 0.0.0.0:80: permission denied: ports below 1024 need privileges (set PORT to another port)',
    exitCode: 2,
  });
  assert.equal(listenFailure(errno('EPERM'), '::1', 8080).line, 'devflow: cannot listen on [::1]:8080: permission denied (set PORT to another port)');
  assert.deepEqual(listenFailure(errno('ENOTFOUND'), 'no-such-host', 3000), {
    line: 'devflow: cannot listen on no-such-host:3000: HOST does not resolve to an address (set HOST to an address or a known host name)',
    exitCode: 2,
  });
  assert.deepEqual(listenFailure(new Error('something else'), '127.0.0.1', 3000), { line: 'devflow: cannot listen on 127.0.0.1:3000: something else', exitCode: 1 });
});
