/** GET /users/:user/projects: the projects heartbeats created, with first/last heartbeat times. */
import { epochSeconds } from '../domain/clock.js';
import { Type } from '@sinclair/typebox';
import { resolveTargetUser } from '../http/auth.js';
import { ErrorBody, UserParams } from '../http/schemas.js';
import { ProjectList, toProjectResource } from '../wire/project.js';
import type { RouteFamily } from './types.js';

export const projectRoutes: RouteFamily = async (app, { storage, services }) => {
  app.get(
    '/api/v1/users/:user/projects',
    {
      schema: {
        summary: "The user's projects",
        tags: ['projects'],
        params: UserParams,
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 1024, description: 'filter project names by a search term' })) }),
        response: { 200: ProjectList, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const { user } = await resolveTargetUser(storage, request, request.params.user, { scope: ['read_heartbeats', 'read_summaries', 'read_summaries.projects', 'read_stats', 'read_stats.projects'] });
      const rows = await services.projects.list(user.id, request.query.q);
      const now = epochSeconds(services.clock);
      return { data: rows.map((p) => toProjectResource(p, now)) };
    },
  );
};
