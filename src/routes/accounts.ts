/**
 * Accounts on the web (docs/WEB_AND_OAUTH.md): the session the pages start from, sign-up, log in
 * (throttled), log out. Everything else the pages do goes through /api/v1 with the session cookie.
 */
import { Type } from '@sinclair/typebox';
import { PASSWORD_MAX_LENGTH } from '../domain/password.js';
import { toUserResource as userResource } from '../wire/user.js';
import { ForbiddenError } from '../domain/errors.js';
import { csrfTokenFor, endSession, startSession, verifyCsrf } from '../http/session.js';
import { EmptyAnswer, LoggedInAnswer, WebSessionAnswer, webSession } from '../wire/session.js';
import type { RouteFamily } from './types.js';

const tags = ['web accounts'];
const security: [] = [];

function ownResource(user: Parameters<typeof userResource>[0]) {
  return userResource(user, { isOwner: true, withPrivateEmail: true });
}

export const accountRoutes: RouteFamily = async (app, { storage, services, config }) => {
  app.get(
    '/api/web/session',
    {
      config: { auth: { optional: true } },
      schema: { summary: 'The browser session: who is logged in, the CSRF token, whether sign-up is open', tags, security, response: { 200: WebSessionAnswer } },
    },
    async (request, reply) => {
      const auth = request.viewer;
      const user = auth?.via === 'session' ? ownResource(auth.user) : null;
      reply.header('cache-control', 'no-store');
      return { data: webSession({ user, csrfToken: csrfTokenFor(request, reply, config), signupOpen: await services.admin.signupOpen(), baseUrl: config.baseUrl }) };
    },
  );

  app.post(
    '/api/web/signup',
    {
      schema: {
        summary: 'Sign up (when the instance allows it) and log in',
        tags,
        security,
        body: Type.Object({
          username: Type.String({ minLength: 1, maxLength: 50 }),
          email: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
          password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
        }),
        response: { 201: LoggedInAnswer },
      },
    },
    async (request, reply) => {
      verifyCsrf(request);
      if (!(await services.admin.signupOpen())) throw new ForbiddenError('Sign-up is closed on this instance: ask an administrator for an account.');
      const { username, email, password } = request.body;
      const { user } = await services.accounts.create({ username, email: email ?? null, password, keyName: null });
      const csrf = await startSession(storage, config, request, reply, user);
      return reply.code(201).send({ data: { user: ownResource(user), csrf_token: csrf } });
    },
  );

  app.post(
    '/api/web/login',
    {
      schema: {
        summary: 'Log in with a username or email and a password (throttled after repeated failures)',
        tags,
        security,
        body: Type.Object({
          login: Type.String({ minLength: 1, maxLength: 320 }),
          password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
        }),
        response: { 200: LoggedInAnswer },
      },
    },
    async (request, reply) => {
      verifyCsrf(request);
      const user = await services.accounts.logIn({ login: request.body.login, password: request.body.password, ip: request.ip });
      const csrf = await startSession(storage, config, request, reply, user);
      return { data: { user: ownResource(user), csrf_token: csrf } };
    },
  );

  app.post(
    '/api/web/logout',
    { schema: { summary: 'Log out: ends the browser session', tags, security, response: { 200: EmptyAnswer } } },
    async (request, reply) => {
      verifyCsrf(request);
      await endSession(storage, config, request, reply);
      return { data: {} };
    },
  );
};
