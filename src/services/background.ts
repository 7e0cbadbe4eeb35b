/**
 * Where services start work that outlives the request that asked for it (long raw computations).
 * In-process for now; moving it onto the job runner (services/jobs*.ts) is a change here only.
 */
import type { FastifyBaseLogger } from 'fastify';

export type Background = (name: string, task: () => Promise<void>) => void;

export function inProcess(log?: FastifyBaseLogger): Background {
  return (name, task) => {
    setImmediate(() => {
      task().catch((err) => log?.error({ err, task: name }, 'background task failed'));
    });
  };
}
