/**
 * OAuth apps the current user registered (create, list, change, rotate the secret, delete) and the
 * apps they authorized (list, revoke). Only the owner's API key or browser session may use these:
 * an OAuth token never manages apps or grants.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { loadScopes, redirectUrisProblem } from '../domain/oauth.js';
import { isoOrNull } from '../domain/time.js';
import { requireAccountOwner } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import type { Storage } from '../storage/db.js';
import {
  appRedirectUris,
  createOauthApp,
  deleteOauthApp,
  findOwnedOauthApp,
  listAuthorizedApps,
  listOauthApps,
  revokeGrant,
  rotateOauthAppSecret,
  updateOauthApp,
  type OauthAppRow,
} from '../storage/oauth.js';
import type { RouteFamily } from './types.js';

export function appResource(a: OauthAppRow) {
  return {
    id: a.uuid,
    name: a.name,
    client_id: a.client_id,
    redirect_uris: appRedirectUris(a),
    is_public: !!a.is_public,
    created_at: isoOrNull(a.created_at),
    modified_at: isoOrNull(a.modified_at),
    secret_rotated_at: isoOrNull(a.secret_rotated_at),
  };
}

async function owner(storage: Storage, request: FastifyRequest) {
  return (await requireAccountOwner(storage, request, 'manage OAuth apps or authorizations')).user;
}

function checkRedirectUris(uris: string[]): string[] {
  const trimmed = uris.map((u) => u.trim());
  const problem = redirectUrisProblem(trimmed);
  if (problem) throw new HttpError(400, problem, 'redirect_uris');
  return trimmed;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new HttpError(400, 'must not be blank', 'name');
  return trimmed;
}

const Name = Type.String({ minLength: 1, maxLength: 100 });
const RedirectUris = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
  description: 'exact redirect URIs: absolute http(s) URLs, or custom schemes (myapp://callback) for native apps; no fragments; 1–10',
});
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const appTags = ['oauth apps'];
const grantTags = ['authorized apps'];

export const oauthAppRoutes: RouteFamily = async (app, { storage }) => {
  app.get('/api/v1/users/current/oauth_apps', { schema: { summary: 'List the OAuth apps you registered', tags: appTags } }, async (request) => {
    const user = await owner(storage, request);
    return { data: (await listOauthApps(storage.db, user.id)).map(appResource) };
  });

  app.post(
    '/api/v1/users/current/oauth_apps',
    {
      schema: {
        summary: 'Register an OAuth app (its client secret is shown once; public apps have none and must use PKCE)',
        tags: appTags,
        body: Type.Object({ name: Name, redirect_uris: RedirectUris, is_public: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const user = await owner(storage, request);
      const { app: row, clientSecret } = await createOauthApp(storage.db, {
        userId: user.id,
        name: checkName(request.body.name),
        redirectUris: checkRedirectUris(request.body.redirect_uris),
        isPublic: request.body.is_public ?? false,
      });
      return reply.code(201).send({ data: { ...appResource(row), client_secret: clientSecret } });
    },
  );

  app.patch(
    '/api/v1/users/current/oauth_apps/:id',
    {
      schema: {
        summary: "Rename an OAuth app or change its redirect URIs",
        tags: appTags,
        params: IdParams,
        body: Type.Object({ name: Type.Optional(Name), redirect_uris: Type.Optional(RedirectUris) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const user = await owner(storage, request);
      const found = await findOwnedOauthApp(storage.db, user.id, request.params.id);
      if (!found) throw new HttpError(404, 'No such OAuth app.', 'id');
      const { name, redirect_uris } = request.body;
      const row = await updateOauthApp(storage.db, found.id, {
        name: name === undefined ? undefined : checkName(name),
        redirectUris: redirect_uris === undefined ? undefined : checkRedirectUris(redirect_uris),
      });
      return { data: appResource(row) };
    },
  );

  app.post(
    '/api/v1/users/current/oauth_apps/:id/secret',
    {
      schema: {
        summary: "Rotate an OAuth app's client secret: the old one stops working and the app's tokens are revoked",
        tags: appTags,
        params: IdParams,
      },
    },
    async (request) => {
      const user = await owner(storage, request);
      const found = await findOwnedOauthApp(storage.db, user.id, request.params.id);
      if (!found) throw new HttpError(404, 'No such OAuth app.', 'id');
      if (found.is_public) throw new HttpError(400, 'A public app has no client secret.', 'id');
      const { app: row, clientSecret } = await rotateOauthAppSecret(storage.db, found.id);
      return { data: { ...appResource(row), client_secret: clientSecret } };
    },
  );

  app.delete(
    '/api/v1/users/current/oauth_apps/:id',
    { schema: { summary: 'Delete an OAuth app with its grants and tokens', tags: appTags, params: IdParams } },
    async (request) => {
      const user = await owner(storage, request);
      const found = await findOwnedOauthApp(storage.db, user.id, request.params.id);
      if (!found) throw new HttpError(404, 'No such OAuth app.', 'id');
      await deleteOauthApp(storage.db, found.id);
      return { data: {} };
    },
  );

  app.get('/api/v1/users/current/authorized_apps', { schema: { summary: 'List the apps you authorized, with their scopes and active tokens', tags: grantTags } }, async (request) => {
    const user = await owner(storage, request);
    const rows = await listAuthorizedApps(storage.db, user.id);
    return {
      data: rows.map((r) => ({
        id: r.grant.uuid,
        app: { client_id: r.clientId, name: r.appName },
        scopes: loadScopes(r.grant.scopes),
        created_at: isoOrNull(r.grant.created_at),
        modified_at: isoOrNull(r.grant.modified_at),
        active_tokens: r.activeTokens,
        last_used_at: isoOrNull(r.lastUsedAt),
      })),
    };
  });

  app.delete(
    '/api/v1/users/current/authorized_apps/:id',
    { schema: { summary: "Revoke an app's access: the grant and all its tokens", tags: grantTags, params: IdParams } },
    async (request) => {
      const user = await owner(storage, request);
      if (!(await revokeGrant(storage.db, user.id, request.params.id))) throw new HttpError(404, 'No such authorized app.', 'id');
      return { data: {} };
    },
  );
};
