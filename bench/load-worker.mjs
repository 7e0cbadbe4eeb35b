/**
 * A load generator in its own thread or process (its own core): `clients` concurrent keep-alive
 * connections send pre-serialized requests (heartbeats.bulk bodies, or GETs); reports the time the
 * whole stream took and each request's latency. As a worker thread its job is `workerData`; as a
 * child process (bench:stats, so the server's RSS is the server's alone) it is the first IPC
 * message, and `runLoad` is also importable.
 *
 * Raw sockets with requests serialized up front and a minimal response parser (status line,
 * content-length or chunked body), as autocannon does: node:http's client costs ~0.2 ms of CPU per
 * request on a slow core, so with 50 clients it, not the server, set the latency (a trivial
 * node:http server measured 5,500 req/s, p50 7 ms through it on a 2-core machine).
 */
import net from 'node:net';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * @typedef {{ url: string, method?: string, bodies: { auth: string, body?: string, path?: string }[], clients: number, headers: Record<string, string>, expect?: number }} LoadJob
 * `bodies`: one entry per request (a GET has no body; `path` overrides the URL's path).
 */

/**
 * Sends every request of the job and resolves with the time it took, the failures (answers other
 * than `expect`) and each request's latency (ms).
 * @param {LoadJob} job
 * @returns {Promise<{ ms: number, failures: number, latencies: number[] }>}
 */
export async function runLoad(job) {
  const target = new URL(job.url);
  const method = job.method ?? 'POST';
  const expected = job.expect ?? 201;
  let next = 0;
  let failures = 0;
  /** @type {number[]} */
  const latencies = [];

  /** The request's bytes: request line, headers (the job's, then authorization and length), body. */
  function serialize(auth, body, path) {
    const lines = [`${method} ${path ?? target.pathname + target.search} HTTP/1.1`, `host: ${target.host}`];
    for (const [name, value] of Object.entries(job.headers)) lines.push(`${name}: ${value}`);
    lines.push(`authorization: ${auth}`);
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
    if (body !== undefined) lines.push(`content-length: ${payload.length}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]);
  }

  /**
   * One keep-alive connection: `request(bytes)` resolves with the response's status once its whole
   * body arrived. One request at a time per connection.
   */
  function connection() {
    const socket = net.connect({ host: target.hostname, port: Number(target.port), noDelay: true });
    let buffer = Buffer.alloc(0);
    /** @type {{ resolve: (status: number) => void, reject: (err: Error) => void } | null} */
    let pending = null;
    const fail = (err) => {
      if (pending) pending.reject(err);
      pending = null;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    socket.on('data', (chunk) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0 || !pending) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const status = Number(head.slice(9, 12));
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        let total;
        if (length) {
          total = end + 4 + Number(length[1]);
        } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
          // chunk sizes until the last (0) chunk and its empty trailer
          let at = end + 4;
          total = -1;
          for (;;) {
            const eol = buffer.indexOf('\r\n', at);
            if (eol < 0) break;
            const size = parseInt(buffer.subarray(at, eol).toString('latin1'), 16);
            if (size === 0) {
              if (buffer.length >= eol + 4) total = eol + 4;
              break;
            }
            at = eol + 2 + size + 2;
            if (at > buffer.length) break;
          }
          if (total < 0) return;
        } else {
          total = end + 4;
        }
        if (buffer.length < total) return;
        buffer = buffer.subarray(total);
        const p = pending;
        pending = null;
        p.resolve(status);
      }
    });
    return {
      request(bytes) {
        return new Promise((resolve, reject) => {
          pending = { resolve, reject };
          socket.write(bytes);
        });
      },
      close() {
        socket.destroy();
      },
    };
  }

  const requests = job.bodies.map(({ auth, body, path }) => serialize(auth, body, path));
  const connections = [];

  async function client() {
    const conn = connection();
    connections.push(conn);
    for (;;) {
      const i = next++;
      if (i >= requests.length) return;
      const t0 = performance.now();
      const status = await conn.request(requests[i]);
      latencies.push(performance.now() - t0);
      if (status !== expected) failures++;
    }
  }

  const t0 = performance.now();
  await Promise.all(Array.from({ length: job.clients }, client));
  const ms = performance.now() - t0;
  for (const conn of connections) conn.close();
  return { ms, failures, latencies };
}

if (!isMainThread && parentPort && workerData) {
  parentPort.postMessage(await runLoad(workerData));
}
