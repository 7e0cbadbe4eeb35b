/** GET /healthz: 200 when the database answers, 503 otherwise. */
import { Type } from '@sinclair/typebox';
import { ping } from '../storage/db.js';
import type { RouteFamily } from './types.js';

export const healthRoutes: RouteFamily = async (app, { storage }) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and database check',
        response: {
          200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }),
          503: Type.Object({ error: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await ping(storage);
      } catch (err) {
        return reply.code(503).send({ error: `database unavailable: ${(err as Error).message}` });
      }
      return { status: 'ok' as const, database: storage.dialect };
    },
  );
};
