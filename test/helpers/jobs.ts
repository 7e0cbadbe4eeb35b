/** Shared by test/integration/jobs.test.ts and its child process (test/helpers/job-worker.ts). */
import type { QueueOptions } from '../../src/services/jobs.js';

/** A short expiry, so a job of a killed instance is retried within seconds. */
export const STUCK_QUEUE: QueueOptions = { expireInSeconds: 2, retryLimit: 2, retryDelaySeconds: 0, retryBackoff: false };
