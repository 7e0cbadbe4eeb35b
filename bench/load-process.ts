/**
 * bench/load-worker.mjs in a child process of its own, so that the server process's RSS (which
 * bench:stats reports) holds the server alone, not the load generator's request bodies and heap.
 * Its job is the first IPC message: requests given in full, or writers whose heartbeats.bulk
 * batches it builds itself (so even their bodies never exist in the server process). It answers
 * `{ type: 'started' }` when its requests begin, then `{ type: 'done', result }`.
 */
import { runLoad, type LoadJob } from './load-worker.mjs';
import { wireHeartbeat } from './support.js';

/**
 * `writers` clients each post batches for their own user: user u's n-th heartbeat lies at
 * start + (n·8 s mod span), shifted a little per lap and per user, so a stream wraps within the span.
 */
export interface WritersJob {
  url: string;
  auths: string[];
  headers: Record<string, string>;
  start: number;
  span: number;
  batches: number;
  perBatch: number;
}

export type ChildJob = { requests: LoadJob } | { writers: WritersJob };

function writerBodies(job: WritersJob): LoadJob['bodies'] {
  const users = job.auths.length;
  const seqs = new Array<number>(users).fill(0);
  const bodies: LoadJob['bodies'] = [];
  for (let b = 0; b < job.batches; b++) {
    const u = b % users;
    const batch = [];
    for (let k = 0; k < job.perBatch; k++) {
      const n = seqs[u]!++;
      const offset = (n * 8) % job.span;
      const lap = Math.floor((n * 8) / job.span);
      batch.push(wireHeartbeat(n, job.start + offset + (lap % 8) * 0.9 + 0.1 * u));
    }
    bodies.push({ auth: job.auths[u]!, body: JSON.stringify(batch) });
  }
  return bodies;
}

process.once('message', (message: ChildJob) => {
  const job: LoadJob =
    'requests' in message
      ? message.requests
      : { url: message.writers.url, method: 'POST', expect: 201, bodies: writerBodies(message.writers), clients: message.writers.auths.length, headers: message.writers.headers };
  process.send!({ type: 'started' });
  runLoad(job).then(
    (result) => process.send!({ type: 'done', result }, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
