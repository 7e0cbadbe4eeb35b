/**
 * The owner's account changes from Settings: a new password (or a first one for a user made by
 * `metronome user create`, authenticated by their API key) and deleting the account with all its
 * data. API key or browser session (with CSRF), never an OAuth app.
 */
import { Type } from '@sinclair/typebox';
import { viewerOf, type RouteAuth } from '../http/auth.js';
import { ErrorBody } from '../http/schemas.js';
import { cookie, endSession, SESSION_COOKIE } from '../http/session.js';
import type { RouteFamily } from './types.js';

const tags = ['users'];
const Password = (description: string) => Type.String({ maxLength: 1024, description });

export const accountSettingsRoutes: RouteFamily = async (app, { storage, services, config }) => {
  app.post(
    '/api/web/password',
    {
      config: { auth: { owner: 'change the password' } satisfies RouteAuth },
      schema: {
        summary: 'Change your password, or set a first one (users made by the CLI: send your API key)',
        tags,
        body: Type.Object({
          current_password: Type.Optional(Password('required when the account has a password')),
          new_password: Password('8 to 1024 characters'),
        }),
        response: { 200: Type.Object({ data: Type.Object({ first_password: Type.Boolean({ description: 'true when the account had no password before' }) }) }), '4xx': ErrorBody },
      },
    },
    async (request) => {
      const auth = viewerOf(request);
      const keep = auth.via === 'session' ? (cookie(request, SESSION_COOKIE) ?? null) : null;
      const { first } = await services.accountSettings.changePassword(auth.user.id, request.body, keep);
      return { data: { first_password: first } };
    },
  );

  app.delete(
    '/api/v1/users/current',
    {
      config: { auth: { owner: 'delete the account' } satisfies RouteAuth },
      schema: {
        summary: 'Delete your account and all its data (heartbeats, keys, apps, share links …)',
        tags,
        body: Type.Object({
          confirm: Type.String({ maxLength: 200, description: 'your username, typed again' }),
          password: Type.Optional(Password('required when the account has a password')),
        }),
        response: { 200: Type.Object({ data: Type.Object({}, { additionalProperties: false }) }), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const { user } = viewerOf(request);
      await services.accountSettings.deleteAccount(user.id, request.body);
      await endSession(storage, config, request, reply);
      return { data: {} };
    },
  );
};
