/** Users: GET /users/:user (public profile for others), GET/PATCH /users/current (preferences). */
import { hasScope, requireAccountOwner, resolveTargetUser } from '../http/auth.js';
import { ErrorBody, requireTimezone, UserParams } from '../http/schemas.js';
import { PreferencesBody, toUserResource, UserEnvelope } from '../wire/user.js';
import type { RouteFamily } from './types.js';

export const userRoutes: RouteFamily = async (app, { storage, services }) => {
  app.get(
    '/api/v1/users/:user',
    { schema: { summary: 'A single user', tags: ['users'], params: UserParams, response: { 200: UserEnvelope, '4xx': ErrorBody } } },
    async (request) => {
      const target = await resolveTargetUser(storage, request, request.params.user, { allowPublic: () => true });
      const withPrivateEmail = target.isOwner && !!target.auth && hasScope(target.auth.scopes, 'email');
      return { data: toUserResource(target.user, { isOwner: target.isOwner, withPrivateEmail }) };
    },
  );

  app.patch(
    '/api/v1/users/current',
    {
      schema: {
        summary: "Change the current user's profile and preferences",
        tags: ['users'],
        body: PreferencesBody,
        response: { 200: UserEnvelope, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const auth = await requireAccountOwner(storage, request, 'change account preferences');
      if (request.body.timezone !== undefined) requireTimezone(request.body.timezone);
      const user = await services.users.updatePreferences(auth.user, request.body);
      return { data: toUserResource(user, { isOwner: true, withPrivateEmail: true }) };
    },
  );
};
