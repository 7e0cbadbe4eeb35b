/** GET /users/:user/machine_names: the machines heartbeats came from. */
import { resolveTargetUser } from '../http/auth.js';
import { ErrorBody, UserParams } from '../http/schemas.js';
import { MachineNameList, toMachineNameResource } from '../wire/machine-name.js';
import type { RouteFamily } from './types.js';

export const machineNameRoutes: RouteFamily = async (app, { storage, services }) => {
  app.get(
    '/api/v1/users/:user/machine_names',
    { schema: { summary: "The user's machines", tags: ['machines'], params: UserParams, response: { 200: MachineNameList, '4xx': ErrorBody } } },
    async (request) => {
      const { user } = await resolveTargetUser(storage, request, request.params.user, { scope: ['read_heartbeats', 'read_summaries', 'read_summaries.machines', 'read_stats', 'read_stats.machines'] });
      const rows = await services.machineNames.list(user.id);
      return { data: rows.map(toMachineNameResource) };
    },
  );
};
