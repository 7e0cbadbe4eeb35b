/**
 * OAuth access tokens as API credentials (a resolver src/app.ts passes to the auth plugin):
 * `Authorization: Bearer waka_tok_…`, `?access_token=` or `?token=`. An active token authenticates
 * its user with the token's scopes (`via: 'oauth'`, `credentialId`: the app's id); a revoked or
 * expired one falls through to the 401 path. When the request also carries the app's secret
 * (`?app_secret=`, `?client_secret=` or `?secret=`, as the reference allows), it must be that app's.
 */
import type { FastifyRequest } from 'fastify';
import { isAccessTokenFormat, loadScopes, secretMatches } from '../domain/oauth.js';
import { findActiveAccessToken, findOauthAppById, touchToken } from '../storage/oauth.js';
import type { Storage } from '../storage/db.js';
import type { CredentialResolver } from './auth.js';
import { HttpError } from './errors.js';

function secretParam(request: FastifyRequest): string | undefined {
  const q = request.query as Record<string, unknown> | undefined;
  for (const name of ['app_secret', 'client_secret', 'secret']) {
    const v = q?.[name];
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string' && s !== '') return s;
  }
  return undefined;
}

export const oauthTokenResolver = (storage: Storage): CredentialResolver => async (credential, request) => {
  if (credential.source === 'api_key_param' || !isAccessTokenFormat(credential.value)) return null;
  const now = Date.now() / 1000;
  const found = await findActiveAccessToken(storage.db, credential.value, now);
  if (!found) return null;
  const secret = secretParam(request);
  if (secret !== undefined) {
    const app = await findOauthAppById(storage.db, found.token.app_id);
    if (!app || !secretMatches(secret, app.client_secret_hash)) throw new HttpError(401, "Invalid credentials: the app secret does not belong to this token's app");
  }
  await touchToken(storage.db, found.token, now);
  return { user: found.user, scopes: new Set(loadScopes(found.token.scopes)), via: 'oauth', credentialId: found.token.app_id };
};
