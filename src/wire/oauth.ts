/**
 * OAuth resources: the token endpoint's answer, the OAuth apps a user registered
 * (/api/v1/users/current/oauth_apps) and the apps a user authorized (…/authorized_apps).
 */
import { Type, type Static } from '@sinclair/typebox';
import { formatScopes, loadScopes } from '../domain/oauth.js';
import { isoOrNull } from '../domain/time.js';

const IsoOrNull = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

// ---------------------------------------------------------------- token answer

/** RFC 6749 §5.1 with the reference's extras (expires_at, uid); comma-separated scopes like the reference. */
export const TokenAnswer = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer({ description: 'seconds' }),
  expires_at: Type.String({ format: 'date-time' }),
  scope: Type.String({ description: 'comma-separated' }),
  uid: Type.String({ description: "the user's id" }),
  refresh_token: Type.Optional(Type.String({ description: 'code flow only' })),
});
export type TokenAnswer = Static<typeof TokenAnswer>;

export function tokenAnswer(
  issued: { accessToken: string; refreshToken: string | null; row: { expires_at: number; scopes: string } },
  user: { uuid: string },
  now: number,
): TokenAnswer {
  const body: TokenAnswer = {
    access_token: issued.accessToken,
    token_type: 'bearer',
    expires_in: Math.max(0, Math.round(issued.row.expires_at - now)),
    expires_at: isoOrNull(issued.row.expires_at)!,
    scope: formatScopes(loadScopes(issued.row.scopes)),
    uid: user.uuid,
  };
  if (issued.refreshToken) body.refresh_token = issued.refreshToken;
  return body;
}

// ---------------------------------------------------------------- OAuth apps

export const OAuthApp = Type.Object({
  id: Type.String({ description: 'public id (uuid): what …/oauth_apps/:id takes' }),
  name: Type.String(),
  client_id: Type.String(),
  redirect_uris: Type.Array(Type.String()),
  is_public: Type.Boolean({ description: 'public apps (native, single-page) have no secret and must use PKCE' }),
  created_at: IsoOrNull,
  modified_at: IsoOrNull,
  secret_rotated_at: IsoOrNull,
});
export type OAuthApp = Static<typeof OAuthApp>;

/** On creation and secret rotation: the secret, shown only then (null for public apps). */
export const OAuthAppWithSecret = Type.Object({ ...OAuthApp.properties, client_secret: Type.Union([Type.String(), Type.Null()]) });
export type OAuthAppWithSecret = Static<typeof OAuthAppWithSecret>;

export const OAuthAppList = Type.Object({ data: Type.Array(OAuthApp) });
export const OAuthAppAnswer = Type.Object({ data: OAuthApp });
export const OAuthAppWithSecretAnswer = Type.Object({ data: OAuthAppWithSecret });

export interface OAuthAppSource {
  uuid: string;
  name: string;
  client_id: string;
  redirect_uris: string;
  is_public: number | boolean;
  created_at: number | null;
  modified_at: number | null;
  secret_rotated_at: number | null;
}

function redirectUris(stored: string): string[] {
  const v = JSON.parse(stored) as unknown;
  return Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string') : [];
}

export function oauthAppResource(a: OAuthAppSource): OAuthApp {
  return {
    id: a.uuid,
    name: a.name,
    client_id: a.client_id,
    redirect_uris: redirectUris(a.redirect_uris),
    is_public: !!a.is_public,
    created_at: isoOrNull(a.created_at),
    modified_at: isoOrNull(a.modified_at),
    secret_rotated_at: isoOrNull(a.secret_rotated_at),
  };
}

// ---------------------------------------------------------------- authorized apps (grants)

export const AuthorizedApp = Type.Object({
  id: Type.String({ description: "the grant's public id: what DELETE …/authorized_apps/:id takes" }),
  app: Type.Object({ client_id: Type.String(), name: Type.String() }),
  scopes: Type.Array(Type.String()),
  created_at: IsoOrNull,
  modified_at: IsoOrNull,
  active_tokens: Type.Integer(),
  last_used_at: IsoOrNull,
});
export type AuthorizedApp = Static<typeof AuthorizedApp>;
export const AuthorizedAppList = Type.Object({ data: Type.Array(AuthorizedApp) });

export interface AuthorizedAppSource {
  grant: { uuid: string; scopes: string; created_at: number | null; modified_at: number | null };
  clientId: string;
  appName: string;
  activeTokens: number;
  lastUsedAt: number | null;
}

export function authorizedAppResource(r: AuthorizedAppSource): AuthorizedApp {
  return {
    id: r.grant.uuid,
    app: { client_id: r.clientId, name: r.appName },
    scopes: loadScopes(r.grant.scopes),
    created_at: isoOrNull(r.grant.created_at),
    modified_at: isoOrNull(r.grant.modified_at),
    active_tokens: r.activeTokens,
    last_used_at: isoOrNull(r.lastUsedAt),
  };
}
