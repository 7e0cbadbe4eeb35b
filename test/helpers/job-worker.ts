/**
 * A job-runner instance in its own process, for test/integration/jobs.test.ts: it takes `test.stuck` jobs and
 * never finishes them (it prints `started <id> <attempt>`), so the test can SIGKILL it mid-job.
 * Usage: node --import tsx test/helpers/job-worker.ts <postgres-url>
 */
import { PgBossJobRunner } from '../../src/services/jobs.js';
import { STUCK_QUEUE } from './jobs.js';

const url = process.argv[2];
if (!url) throw new Error('usage: job-worker.ts <postgres-url>');
const log = { error: (o: object, m?: string) => console.error(m, o), warn: () => {}, debug: () => {} };
const runner = new PgBossJobRunner<{ 'test.stuck': { n: number } }>({ connectionString: url, log, pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 });
runner.register(
  'test.stuck',
  (_data, ctx) => {
    process.stdout.write(`started ${ctx.id} ${ctx.attempt}\n`);
    return new Promise<void>(() => {}); // never ends: the instance "hangs" until it is killed
  },
  STUCK_QUEUE,
);
await runner.start();
process.stdout.write('ready\n');
