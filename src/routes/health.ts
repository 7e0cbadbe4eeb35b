/** GET /healthz: 200 when the database answers, 503 otherwise. */
import { HealthResource, Unhealthy } from '../wire/health.js';
import type { RouteFamily } from './types.js';

export const healthRoutes: RouteFamily = async (app, { services }) => {
  app.get(
    '/healthz',
    { schema: { summary: 'Liveness and database check', response: { 200: HealthResource, 503: Unhealthy } } },
    async (_request, reply) => {
      const health = await services.health.check();
      if (!health.ok) return reply.code(503).send({ error: health.error });
      return { status: 'ok' as const, database: health.database };
    },
  );
};
