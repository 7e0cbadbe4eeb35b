/**
 * E-mail for accounts: whether this server sends e-mail (for the settings and "forgot password"
 * pages), "forgot password" (request a link; set a new password with it), and the user's e-mail
 * preferences (the weekly summary).
 */
import { Type } from '@sinclair/typebox';
import { PASSWORD_MAX_LENGTH } from '../domain/password.js';
import { viewerOf, type RouteAuth } from '../http/auth.js';
import { ErrorBody } from '../http/schemas.js';
import { verifyCsrf } from '../http/session.js';
import type { RouteFamily } from './types.js';

const tags = ['e-mail'];
const security: [] = [];
const owner: RouteAuth = { owner: 'change e-mail preferences' };
const Empty = Type.Object({ data: Type.Object({}, { additionalProperties: false }) }, { additionalProperties: false });
const MailStatus = Type.Object(
  { data: Type.Object({ enabled: Type.Boolean({ description: 'whether this server sends e-mail (SMTP_URL is set)' }) }, { additionalProperties: false }) },
  { additionalProperties: false },
);
const Preferences = Type.Object(
  {
    data: Type.Object(
      {
        weekly_summary: Type.Boolean({ description: 'a summary of your last week every Monday morning' }),
        mail_enabled: Type.Boolean({ description: 'whether this server sends e-mail at all' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const mailRoutes: RouteFamily = async (app, { services }) => {
  app.get('/api/web/mail', { schema: { summary: 'Whether this server sends e-mail', tags, security, response: { 200: MailStatus } } }, async () => ({ data: { enabled: services.mail.enabled } }));

  app.post(
    '/api/web/password/forgot',
    {
      schema: {
        summary: 'Send a password reset link to the account named by username or e-mail (the same answer whether it exists or not)',
        tags,
        security,
        body: Type.Object({ login: Type.String({ minLength: 1, maxLength: 320 }) }),
        response: { 202: Empty, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      verifyCsrf(request);
      await services.accountMail.requestPasswordReset(request.body.login);
      return reply.code(202).send({ data: {} });
    },
  );

  app.post(
    '/api/web/password/reset',
    {
      schema: {
        summary: "Set a new password with a reset link's token (once, within an hour); ends every session of the account",
        tags,
        security,
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }) }),
        response: { 200: Empty, '4xx': ErrorBody },
      },
    },
    async (request) => {
      verifyCsrf(request);
      await services.accountMail.resetPassword(request.body.token, request.body.password);
      return { data: {} };
    },
  );

  app.post(
    '/api/v1/users/current/email_confirmation',
    {
      config: { auth: owner },
      schema: { summary: 'E-mail yourself a link that confirms your address (goals shared with it then reach you)', tags, response: { 202: Empty, '4xx': ErrorBody } },
    },
    async (request, reply) => {
      const { user } = viewerOf(request);
      await services.accountMail.requestEmailConfirmation(user);
      return reply.code(202).send({ data: {} });
    },
  );

  app.post(
    '/api/web/email/confirm',
    {
      schema: {
        summary: "Confirm an account's e-mail address with the token of a confirmation link (once, within an hour)",
        tags,
        security,
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Empty, '4xx': ErrorBody },
      },
    },
    async (request) => {
      verifyCsrf(request);
      await services.accountMail.confirmEmail(request.body.token);
      return { data: {} };
    },
  );

  app.get(
    '/api/v1/users/current/mail_preferences',
    { config: { auth: owner }, schema: { summary: 'Your e-mail preferences', tags, response: { 200: Preferences, '4xx': ErrorBody } } },
    async (request) => {
      const { user } = viewerOf(request);
      return { data: { ...(await services.accountMail.preferences(user.id)), mail_enabled: services.mail.enabled } };
    },
  );

  app.patch(
    '/api/v1/users/current/mail_preferences',
    {
      config: { auth: owner },
      schema: { summary: 'Change your e-mail preferences', tags, body: Type.Object({ weekly_summary: Type.Boolean() }), response: { 200: Preferences, '4xx': ErrorBody } },
    },
    async (request) => {
      const { user } = viewerOf(request);
      return { data: { ...(await services.accountMail.setPreferences(user.id, request.body)), mail_enabled: services.mail.enabled } };
    },
  );
};
