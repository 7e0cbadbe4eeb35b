/**
 * OAuth access tokens as API credentials (a resolver src/app.ts passes to the auth plugin):
 * `Authorization: Bearer waka_tok_…`, `?access_token=` or `?token=`. An active token authenticates
 * its user with the token's scopes (`via: 'oauth'`, `credentialId`: the app's id); a revoked or
 * expired one falls through to the 401 path. When the request also carries the app's secret
 * (`?app_secret=`, `?client_secret=` or `?secret=`, as the reference allows), it must be that app's.
 */
import type { FastifyRequest } from 'fastify';
import type { OAuthService } from '../services/oauth.js';
import type { CredentialResolver } from './auth.js';

function secretParam(request: FastifyRequest): string | undefined {
  const q = request.query as Record<string, unknown> | undefined;
  for (const name of ['app_secret', 'client_secret', 'secret']) {
    const v = q?.[name];
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string' && s !== '') return s;
  }
  return undefined;
}

export const oauthTokenResolver =
  (oauth: OAuthService): CredentialResolver =>
  async (credential, request) => {
    if (credential.source === 'api_key_param') return null;
    const found = await oauth.authenticateAccessToken(credential.value, secretParam(request));
    return found && { user: found.user, scopes: new Set(found.scopes), via: 'oauth', credentialId: found.appId };
  };
