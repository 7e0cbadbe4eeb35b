/**
 * OAuth apps the current user registered (create, list, change, rotate the secret, delete) and the
 * apps they authorized (list, revoke). Only the owner's API key or browser session may use these:
 * an OAuth token never manages apps or grants.
 */
import { Type } from '@sinclair/typebox';
import { viewerOf, type RouteAuth } from '../http/auth.js';
import {
  AuthorizedAppList,
  authorizedAppResource,
  OAuthAppAnswer,
  OAuthAppList,
  oauthAppResource,
  OAuthAppWithSecretAnswer,
} from '../wire/oauth.js';
import type { RouteFamily } from './types.js';

const auth: RouteAuth = { owner: 'manage OAuth apps or authorizations' };
const Done = Type.Object({ data: Type.Object({}) });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const RedirectUris = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
  description: 'exact redirect URIs: absolute http(s) URLs, or custom schemes (myapp://callback) for native apps; no fragments; 1–10',
});
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const appTags = ['oauth apps'];
const grantTags = ['authorized apps'];

export const oauthAppRoutes: RouteFamily = async (app, { services }) => {
  const apps = services.oauthApps;

  app.get(
    '/api/v1/users/current/oauth_apps',
    { config: { auth }, schema: { summary: 'List the OAuth apps you registered', tags: appTags, response: { 200: OAuthAppList } } },
    async (request) => ({ data: (await apps.list(viewerOf(request).user.id)).map(oauthAppResource) }),
  );

  app.post(
    '/api/v1/users/current/oauth_apps',
    {
      config: { auth },
      schema: {
        summary: 'Register an OAuth app (its client secret is shown once; public apps have none and must use PKCE)',
        tags: appTags,
        body: Type.Object({ name: Name, redirect_uris: RedirectUris, is_public: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 201: OAuthAppWithSecretAnswer },
      },
    },
    async (request, reply) => {
      const { name, redirect_uris, is_public } = request.body;
      const { app: row, clientSecret } = await apps.create(viewerOf(request).user.id, { name, redirectUris: redirect_uris, isPublic: is_public });
      return reply.code(201).send({ data: { ...oauthAppResource(row), client_secret: clientSecret } });
    },
  );

  app.patch(
    '/api/v1/users/current/oauth_apps/:id',
    {
      config: { auth },
      schema: {
        summary: 'Rename an OAuth app or change its redirect URIs',
        tags: appTags,
        params: IdParams,
        body: Type.Object({ name: Type.Optional(Name), redirect_uris: Type.Optional(RedirectUris) }, { additionalProperties: false }),
        response: { 200: OAuthAppAnswer },
      },
    },
    async (request) => {
      const { name, redirect_uris } = request.body;
      const row = await apps.update(viewerOf(request).user.id, request.params.id, { name, redirectUris: redirect_uris });
      return { data: oauthAppResource(row) };
    },
  );

  app.post(
    '/api/v1/users/current/oauth_apps/:id/secret',
    {
      config: { auth },
      schema: {
        summary: "Rotate an OAuth app's client secret: the old one stops working and the app's tokens are revoked",
        tags: appTags,
        params: IdParams,
        response: { 200: OAuthAppWithSecretAnswer },
      },
    },
    async (request) => {
      const { app: row, clientSecret } = await apps.rotateSecret(viewerOf(request).user.id, request.params.id);
      return { data: { ...oauthAppResource(row), client_secret: clientSecret } };
    },
  );

  app.delete(
    '/api/v1/users/current/oauth_apps/:id',
    { config: { auth }, schema: { summary: 'Delete an OAuth app with its grants and tokens', tags: appTags, params: IdParams, response: { 200: Done } } },
    async (request) => {
      await apps.delete(viewerOf(request).user.id, request.params.id);
      return { data: {} };
    },
  );

  app.get(
    '/api/v1/users/current/authorized_apps',
    { config: { auth }, schema: { summary: 'List the apps you authorized, with their scopes and active tokens', tags: grantTags, response: { 200: AuthorizedAppList } } },
    async (request) => ({ data: (await apps.listAuthorized(viewerOf(request).user.id)).map(authorizedAppResource) }),
  );

  app.delete(
    '/api/v1/users/current/authorized_apps/:id',
    { config: { auth }, schema: { summary: "Revoke an app's access: the grant and all its tokens", tags: grantTags, params: IdParams, response: { 200: Done } } },
    async (request) => {
      await apps.revokeAuthorization(viewerOf(request).user.id, request.params.id);
      return { data: {} };
    },
  );
};
