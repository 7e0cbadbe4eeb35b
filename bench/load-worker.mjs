/**
 * A load generator in its own thread (its own core): `clients` concurrent keep-alive
 * connections POST pre-serialized heartbeats.bulk bodies; reports the time the whole stream
 * took and each request's latency. node:http with a keep-alive agent: far lighter than fetch.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * @type {{ url: string, method?: string, bodies: { auth: string, body?: string, path?: string }[], clients: number, headers: Record<string, string>, expect?: number }}
 * `bodies`: one entry per request (a GET has no body; `path` overrides the URL's path).
 */
const job = workerData;
const target = new URL(job.url);
const method = job.method ?? 'POST';
const expected = job.expect ?? 201;
const agent = new http.Agent({ keepAlive: true, maxSockets: job.clients });
let next = 0;
let failures = 0;
/** @type {number[]} */
const latencies = [];

function send(auth, body, path) {
  return new Promise((resolve, reject) => {
    const headers = { ...job.headers, authorization: auth };
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    const req = http.request(
      { host: target.hostname, port: target.port, path: path ?? target.pathname + target.search, method, agent, headers },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function client() {
  for (;;) {
    const i = next++;
    if (i >= job.bodies.length) return;
    const { auth, body, path } = job.bodies[i];
    const t0 = performance.now();
    const status = await send(auth, body, path);
    latencies.push(performance.now() - t0);
    if (status !== expected) failures++;
  }
}

const t0 = performance.now();
await Promise.all(Array.from({ length: job.clients }, client));
parentPort.postMessage({ ms: performance.now() - t0, failures, latencies });
agent.destroy();
