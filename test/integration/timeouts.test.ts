/**
 * Issue 13 item 7: a client that stalls (a body shorter than its Content-Length, headers never
 * finished) gets a 408 and its connection closed within the configured timeouts.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';
import { loadConfig } from '../../src/config.js';

/** Sends `text` on a raw socket and resolves with everything received until the server closes it. */
function stall(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (received += d));
    socket.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve(received) : reject(err)));
    socket.on('close', () => resolve(received));
  });
}

describeEachDatabase(
  'request timeouts',
  (t) => {
    let port = 0;
    beforeAll(async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      t.app.server.closeAllConnections();
    });

    it('answers 408 and closes a request whose body never arrives', async () => {
      const received = await stall(port, 'POST /api/v1/users/current/heartbeats.bulk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{');
      expect(received).toMatch(/^HTTP\/1\.1 408/);
    });

    it('answers 408 and closes a request whose headers never end', async () => {
      const received = await stall(port, 'GET /api/v1/users/current HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      expect(received).toMatch(/^HTTP\/1\.1 408/);
    });

    it('still serves a request sent in time on the same server', async () => {
      const received = await stall(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(received).toMatch(/^HTTP\/1\.1 200/);
    });
  },
  { env: { REQUEST_TIMEOUT_MS: '600', HEADERS_TIMEOUT_MS: '400', KEEP_ALIVE_TIMEOUT_MS: '500' } },
);

it('configures the timeouts from the environment and refuses inconsistent ones', () => {
  expect(loadConfig({}).timeouts).toEqual({ requestTimeoutMs: 60_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 72_000, connectionTimeoutMs: 120_000 });
  expect(loadConfig({ REQUEST_TIMEOUT_MS: '5000', CONNECTION_TIMEOUT_MS: '0' }).timeouts).toMatchObject({ requestTimeoutMs: 5000, headersTimeoutMs: 5000, connectionTimeoutMs: 0 });
  expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '2000' })).toThrow(/HEADERS_TIMEOUT_MS/);
  expect(() => loadConfig({ REQUEST_TIMEOUT_MS: 'Infinity' })).toThrow(/REQUEST_TIMEOUT_MS/);
});
