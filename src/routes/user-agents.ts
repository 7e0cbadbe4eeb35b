/** GET /users/:user/user_agents: the plugins that sent heartbeats. */
import { resolveTargetUser } from '../http/auth.js';
import { ErrorBody, UserParams } from '../http/schemas.js';
import { toUserAgentResource, UserAgentList } from '../wire/user-agent.js';
import type { RouteFamily } from './types.js';

export const userAgentRoutes: RouteFamily = async (app, { storage, services }) => {
  app.get(
    '/api/v1/users/:user/user_agents',
    { schema: { summary: 'Plugins that have sent data for this user', tags: ['user agents'], params: UserParams, response: { 200: UserAgentList, '4xx': ErrorBody } } },
    async (request) => {
      const { user } = await resolveTargetUser(storage, request, request.params.user, { scope: ['read_heartbeats', 'read_summaries', 'read_summaries.editors', 'read_stats', 'read_stats.editors'] });
      const rows = await services.userAgents.list(user.id);
      return { data: rows.map(toUserAgentResource) };
    },
  );
};
