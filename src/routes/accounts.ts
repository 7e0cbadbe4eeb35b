/**
 * Accounts on the web (docs/WEB_AND_OAUTH.md): the session the pages start from, sign-up, log in
 * (throttled), log out. Everything else the pages do goes through /api/v1 with the session cookie.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { LOGIN_WINDOW_SECONDS, MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_LOGIN } from '../domain/throttle.js';
import { verifyPassword, PASSWORD_MAX_LENGTH } from '../domain/password.js';
import { userResource } from '../domain/user.js';
import { optionalAuth } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { csrfTokenFor, endSession, startSession, verifyCsrf } from '../http/session.js';
import { createAccount } from '../services/accounts.js';
import type { Storage } from '../storage/db.js';
import { clearLoginFailures, releaseLoginAttempt, reserveLoginAttempt } from '../storage/sessions.js';
import { findUserByEmail, findUserByUsername, type UserRow } from '../storage/users.js';
import type { RouteFamily } from './types.js';

const tags = ['web accounts'];
const security: [] = [];

/** A scrypt hash of a random password: verified against when the login names nobody, so both cases take as long. */
const DUMMY_HASH = 'scrypt$32768$8$1$jX_YQ_D4wGrYmz6T6z9yJQ$R-48rcJb8HaHpdrcIx2nvXY-4R4eslx_-GbKn9m1sHY';

function ownResource(user: UserRow) {
  return userResource(user, { isOwner: true, withPrivateEmail: true });
}

async function findByLogin(storage: Storage, login: string): Promise<UserRow | undefined> {
  return login.includes('@') ? findUserByEmail(storage.db, login) : findUserByUsername(storage.db, login);
}

/**
 * What failed logins are counted under: the account whatever name it was given by (username or
 * e-mail), an unknown name by its lowercased self, and the client address (request.ip: see
 * TRUST_PROXY for which X-Forwarded-For hop is believed).
 */
function throttleKeys(request: FastifyRequest, login: string, user: UserRow | undefined): { accountKey: string; ipKey: string } {
  return { accountKey: user ? `account:${user.id}` : `name:${login.toLowerCase()}`, ipKey: `ip:${request.ip}` };
}

export const accountRoutes: RouteFamily = async (app, { storage, config }) => {
  app.get(
    '/api/web/session',
    { schema: { summary: 'The browser session: who is logged in, the CSRF token, whether sign-up is open', tags, security } },
    async (request, reply) => {
      const auth = await optionalAuth(storage, request);
      const user = auth?.via === 'session' ? ownResource(auth.user) : null;
      reply.header('cache-control', 'no-store');
      return {
        data: {
          user,
          csrf_token: csrfTokenFor(request, reply, config),
          signup_open: config.allowSignup,
          base_url: config.baseUrl,
          api_url: `${config.baseUrl}/api/v1`,
        },
      };
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
      },
    },
    async (request, reply) => {
      verifyCsrf(request);
      if (!config.allowSignup) throw new HttpError(403, 'Sign-up is closed on this instance: ask an administrator for an account.');
      const { username, email, password } = request.body;
      const { user } = await createAccount(storage, { username, email: email ?? null, password, keyName: null });
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
      },
    },
    async (request, reply) => {
      verifyCsrf(request);
      const login = request.body.login.trim();
      const now = Date.now() / 1000;
      const user = await findByLogin(storage, login);
      const { accountKey, ipKey } = throttleKeys(request, login, user);
      // the attempt counts (as a failure) before the password is checked: concurrent attempts
      // cannot all pass the limit; a right password releases it
      const reservation = await reserveLoginAttempt(
        storage.db,
        [
          { key: accountKey, limit: MAX_FAILURES_PER_LOGIN },
          { key: ipKey, limit: MAX_FAILURES_PER_ADDRESS },
        ],
        now,
        LOGIN_WINDOW_SECONDS,
      );
      if (!reservation.allowed) {
        reply.header('retry-after', String(reservation.retryAfter));
        throw new HttpError(429, `Too many failed logins: try again in ${Math.ceil(reservation.retryAfter / 60)} minute(s).`);
      }
      const ok = await verifyPassword(request.body.password, user?.password_hash ?? DUMMY_HASH);
      if (!user || !user.password_hash || !ok) throw new HttpError(401, 'Wrong username, email or password.');
      await releaseLoginAttempt(storage.db, reservation.ids);
      await clearLoginFailures(storage.db, accountKey);
      const csrf = await startSession(storage, config, request, reply, user);
      return { data: { user: ownResource(user), csrf_token: csrf } };
    },
  );

  app.post(
    '/api/web/logout',
    { schema: { summary: 'Log out: ends the browser session', tags, security } },
    async (request, reply) => {
      verifyCsrf(request);
      await endSession(storage, config, request, reply);
      return { data: {} };
    },
  );
};
