/**
 * The OAuth 2.0 provider's protocol (RFC 6749, 7009, 7636; the WakaTime reference): authorize
 * requests and grants, the token endpoint's grants (authorization_code, refresh_token), revocation,
 * and access tokens as API credentials. Rules live in domain/oauth.ts, SQL in storage/oauth.ts;
 * routes/oauth.ts parses HTTP and shapes answers. Every transaction of the protocol is here.
 *
 * Protocol failures are OAuthProtocolError (domain/oauth.ts) with their RFC 6749 §5.2 code; the
 * hourly token limit is RateLimitedError; a token whose app secret does not match is UnauthorizedError.
 */
import { RateLimitedError, UnauthorizedError } from '../domain/errors.js';
import {
  checkAuthorizeRequest,
  CODE_TTL_S,
  formatScopes,
  isTruthy,
  isAccessTokenFormat,
  loadScopes,
  OAuthProtocolError,
  parseScopes,
  planTokenIssue,
  redirectWith,
  scopesCover,
  secretMatches,
  sortScopes,
  TOKEN_RATE_LIMIT_MESSAGE,
  TOKEN_RATE_WINDOW_S,
  tokenLifetime,
  verifyPkce,
  type AuthorizeParams,
  type AuthorizeRequest,
  type TokenFlow,
} from '../domain/oauth.js';
import type { DB, Storage } from '../storage/db.js';
import {
  activeAppTokenIds,
  appRedirectUris,
  createAuthorizationCode,
  findActiveAccessToken,
  findAppToken,
  findAuthorizationCode,
  findByRefreshToken,
  findGrant,
  findOauthAppByClientId,
  findOauthAppById,
  insertToken,
  lockUserForTokenIssue,
  markCodeUsed,
  revokeAppTokens,
  revokeCodeTokens,
  revokeToken,
  revokeTokenIds,
  revokeUserAppTokens,
  saveGrant,
  tokenCreationTimesSince,
  touchToken,
  type IssuedTokens,
  type OauthAppRow,
} from '../storage/oauth.js';
import { findUserByHandle, findUserById, type UserRow } from '../storage/users.js';

export type { IssuedTokens, OauthAppRow as OAuthApp };

const invalidGrant = (d: string) => new OAuthProtocolError('invalid_grant', d);
const invalidRequest = (d: string) => new OAuthProtocolError('invalid_request', d);

/**
 * Issues a token (and, for the code flow, its refresh token) inside the caller's transaction,
 * under the issuing policy (domain/oauth.ts planTokenIssue): RateLimitedError when the user got
 * too many new tokens within the hour (nothing changes), otherwise the oldest active tokens of this
 * app for the user beyond the limit are revoked. Concurrent issues for one user serialize.
 */
export async function issueTokens(
  tx: DB,
  input: { appId: number; userId: number; scopes: readonly string[]; flow: TokenFlow; codeId?: number | null },
  now = Date.now() / 1000,
): Promise<IssuedTokens> {
  await lockUserForTokenIssue(tx, input.userId);
  const recent = await tokenCreationTimesSince(tx, input.userId, now - TOKEN_RATE_WINDOW_S);
  const plan = planTokenIssue(recent, await activeAppTokenIds(tx, input.appId, input.userId, now), now);
  if (plan.kind === 'rate_limited') throw new RateLimitedError(TOKEN_RATE_LIMIT_MESSAGE, plan.retryAfter);
  await revokeTokenIds(tx, plan.revoke, now);
  return insertToken(tx, input, now);
}

/** A valid authorize request, or why not (answered 400 by the route, never by a redirect). */
export type AuthorizeCheckResult = { ok: true; app: OauthAppRow; request: AuthorizeRequest } | { ok: false; error: string; message: string };

/** What an access token authenticates. */
export interface TokenIdentity {
  user: UserRow;
  scopes: string[];
  appId: number;
}

export interface ClientCredentials {
  clientId?: string;
  secret?: string;
}

export interface TokenExchange {
  user: UserRow;
  issued: IssuedTokens;
  now: number;
}

export class OAuthService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number = () => Date.now() / 1000,
  ) {}

  private get db(): DB {
    return this.storage.db;
  }

  // ---------------------------------------------------------------- authorize

  /** Validates an authorize request against the app it names. */
  async checkAuthorize(p: AuthorizeParams): Promise<AuthorizeCheckResult> {
    const app = p.client_id ? await findOauthAppByClientId(this.db, p.client_id) : undefined;
    const checked = checkAuthorizeRequest(app ? { redirectUris: appRedirectUris(app), isPublic: !!app.is_public } : null, p);
    if (checked.kind === 'fatal') return { ok: false, error: 'invalid_request', message: checked.message };
    if (checked.kind === 'redirect_error') return { ok: false, error: checked.error, message: checked.description };
    return { ok: true, app: app!, request: checked.request };
  }

  /** Whether the user already granted this app every scope asked for (and it did not force the consent page). */
  async alreadyGranted(app: OauthAppRow, user: UserRow, r: AuthorizeRequest): Promise<boolean> {
    if (r.forceApprove) return false;
    const grant = await findGrant(this.db, app.id, user.id);
    return !!grant && scopesCover(loadScopes(grant.scopes), r.scopes);
  }

  /** The username of the app's owner, for the consent page. */
  async appOwnerName(app: OauthAppRow): Promise<string | null> {
    return (await findUserById(this.db, app.user_id))?.username ?? null;
  }

  /** The user approved: the grant now also covers these scopes. */
  async approve(app: OauthAppRow, user: UserRow, r: AuthorizeRequest): Promise<void> {
    const grant = await findGrant(this.db, app.id, user.id);
    await saveGrant(this.db, app.id, user.id, sortScopes([...(grant ? loadScopes(grant.scopes) : []), ...r.scopes]));
  }

  /**
   * Issues what the app asked for (a code, or a token for the token flow) and returns where to send
   * the browser. `redirectUriGiven`: whether the authorize request carried redirect_uri (then the
   * token request must repeat it).
   */
  async complete(app: OauthAppRow, user: UserRow, r: AuthorizeRequest, redirectUriGiven: boolean): Promise<string> {
    const now = this.clock();
    if (r.responseType === 'code') {
      const code = await createAuthorizationCode(
        this.db,
        {
          appId: app.id,
          userId: user.id,
          redirectUri: r.redirectUri,
          redirectUriRequired: redirectUriGiven,
          scopes: r.scopes,
          codeChallenge: r.codeChallenge,
          codeChallengeMethod: r.codeChallengeMethod,
          ttl: CODE_TTL_S,
        },
        now,
      );
      return redirectWith(r.redirectUri, { code, state: r.state }, 'query');
    }
    const issued = await this.db.transaction().execute((tx) => issueTokens(tx, { appId: app.id, userId: user.id, scopes: r.scopes, flow: 'token' }, now));
    const fragment = {
      access_token: issued.accessToken,
      token_type: 'bearer',
      expires_in: String(tokenLifetime('token')),
      scope: formatScopes(r.scopes),
      state: r.state,
    };
    return redirectWith(r.redirectUri, fragment, 'fragment');
  }

  /** Where to send the browser when the user denied. */
  denied(r: AuthorizeRequest): string {
    const where = r.responseType === 'token' ? 'fragment' : 'query';
    return redirectWith(r.redirectUri, { error: 'access_denied', error_description: 'The user denied access', state: r.state }, where);
  }

  // ---------------------------------------------------------------- token endpoint

  /**
   * Authenticates the app: client_id + secret. Public apps identify with client_id alone (they have
   * no secret). Failures are invalid_client.
   */
  async authenticateClient(c: ClientCredentials): Promise<OauthAppRow> {
    const fail = (d: string) => new OAuthProtocolError('invalid_client', d);
    if (!c.clientId) throw fail('client_id is missing');
    const app = await findOauthAppByClientId(this.db, c.clientId);
    if (!app) throw fail('no app has this client_id');
    if (app.is_public) {
      if (c.secret) throw fail('this app is public: it has no client secret (send client_id alone)');
      return app;
    }
    if (!c.secret) throw fail('client_secret is missing');
    if (!secretMatches(c.secret, app.client_secret_hash)) throw fail('client_secret is wrong');
    return app;
  }

  /** grant_type=authorization_code: a code (single use; a replay revokes what it issued) for a token pair. */
  async exchangeCode(app: OauthAppRow, body: { code?: string; redirect_uri?: string; code_verifier?: string }): Promise<TokenExchange> {
    const now = this.clock();
    if (!body.code) throw invalidRequest('code is missing');
    const code = await findAuthorizationCode(this.db, body.code);
    if (!code || code.app_id !== app.id) throw invalidGrant('the authorization code is unknown');
    if (code.used_at !== null) {
      // RFC 6749 §4.1.2: a replayed code revokes what it issued
      await revokeCodeTokens(this.db, code.id, now);
      throw invalidGrant('the authorization code was already used: the tokens issued from it are revoked');
    }
    if (code.expires_at <= now) throw invalidGrant('the authorization code expired');
    // RFC 6749 §4.1.3: required, and identical, when the authorize request carried one
    if (code.redirect_uri_required && !body.redirect_uri) throw invalidGrant('redirect_uri is missing: the authorize request carried one, so it must be repeated');
    if (body.redirect_uri && body.redirect_uri !== code.redirect_uri) throw invalidGrant('redirect_uri must be the one of the authorize step');
    if (code.code_challenge) {
      if (!body.code_verifier) throw invalidGrant('code_verifier is missing (PKCE)');
      if (!verifyPkce(body.code_verifier, code.code_challenge, code.code_challenge_method ?? 'plain')) throw invalidGrant('code_verifier does not match the code_challenge');
    } else if (body.code_verifier) {
      throw invalidGrant('code_verifier sent, but the authorize step had no code_challenge');
    } else if (app.is_public) {
      throw invalidGrant('PKCE is required for this app');
    }
    const user = await findUserById(this.db, code.user_id);
    if (!user) throw invalidGrant('the user no longer exists');
    const issued = await this.db.transaction().execute(async (tx) => {
      if (!(await markCodeUsed(tx, code.id, now))) return null;
      return issueTokens(tx, { appId: app.id, userId: user.id, scopes: loadScopes(code.scopes), flow: 'code', codeId: code.id }, now);
    });
    if (!issued) {
      // another request used the code first
      await revokeCodeTokens(this.db, code.id, now);
      throw invalidGrant('the authorization code was already used: the tokens issued from it are revoked');
    }
    return { user, issued, now };
  }

  /** grant_type=refresh_token: rotates the pair; may keep or narrow the scopes. */
  async refresh(app: OauthAppRow, body: { refresh_token?: string; redirect_uri?: string; scope?: string }): Promise<TokenExchange> {
    const now = this.clock();
    if (!body.refresh_token) throw invalidRequest('refresh_token is missing');
    const old = await findByRefreshToken(this.db, app.id, body.refresh_token);
    if (old && old.revoked_at !== null && old.code_id !== null) {
      // A spent refresh token presented again: someone holds a copy (RFC 6819 §5.2.2.3). End the
      // whole chain issued from that authorization, the current pair included.
      await revokeCodeTokens(this.db, old.code_id, now);
      throw invalidGrant('the refresh token was already used or revoked: every token of this authorization is now revoked');
    }
    if (!old || old.revoked_at !== null || old.expires_at <= now) throw invalidGrant('the refresh token is unknown, revoked or expired');
    if (body.redirect_uri && !appRedirectUris(app).includes(body.redirect_uri)) throw invalidGrant('redirect_uri is not registered for this app');
    let scopes = loadScopes(old.scopes);
    if (body.scope) {
      const parsed = parseScopes(body.scope);
      if (!parsed.ok) throw new OAuthProtocolError('invalid_scope', `unknown scope: ${parsed.unknown.join(', ')}`);
      if (!scopesCover(scopes, parsed.scopes)) throw new OAuthProtocolError('invalid_scope', 'a refresh may only keep or narrow the scopes of the original grant');
      scopes = parsed.scopes;
    }
    const user = await findUserById(this.db, old.user_id);
    if (!user) throw invalidGrant('the user no longer exists');
    const issued = await this.db.transaction().execute(async (tx) => {
      if (!(await revokeToken(tx, old.id, now))) return null;
      return issueTokens(tx, { appId: app.id, userId: user.id, scopes, flow: 'code', codeId: old.code_id }, now);
    });
    if (!issued) throw invalidGrant('the refresh token was just used');
    return { user, issued, now };
  }

  /**
   * Revocation: `token` revokes that pair (with `all`, every token of its user for the app);
   * `user_id` every token of that user; `all` alone every token of the app. Unknown tokens are fine.
   */
  async revoke(app: OauthAppRow, body: { token?: string; user_id?: string; all?: string }): Promise<void> {
    const all = isTruthy(body.all);
    const now = this.clock();
    if (body.token) {
      const row = await findAppToken(this.db, app.id, body.token);
      if (row && all) await revokeUserAppTokens(this.db, app.id, row.user_id, now);
      else if (row) await revokeToken(this.db, row.id, now);
      return;
    }
    if (!body.user_id && !all) throw invalidRequest('send token, user_id or all=true');
    // client_id alone must not be able to log every user of a public app out
    if (app.is_public) throw new OAuthProtocolError('invalid_client', 'public apps revoke with a token (send token, optionally with all=true)');
    if (body.user_id) {
      const user = await findUserByHandle(this.db, body.user_id);
      if (user) await revokeUserAppTokens(this.db, app.id, user.id, now);
    } else {
      await revokeAppTokens(this.db, app.id, now);
    }
  }

  // ---------------------------------------------------------------- API credentials

  /**
   * An active access token's user and scopes (null for anything else: revoked, expired, not a
   * token). When the request also carries an app secret, it must be the token's app's.
   */
  async authenticateAccessToken(token: string, appSecret?: string): Promise<TokenIdentity | null> {
    if (!isAccessTokenFormat(token)) return null;
    const now = this.clock();
    const found = await findActiveAccessToken(this.db, token, now);
    if (!found) return null;
    if (appSecret !== undefined) {
      const app = await findOauthAppById(this.db, found.token.app_id);
      if (!app || !secretMatches(appSecret, app.client_secret_hash)) throw new UnauthorizedError("Invalid credentials: the app secret does not belong to this token's app");
    }
    await touchToken(this.db, found.token, now);
    return { user: found.user, scopes: loadScopes(found.token.scopes), appId: found.token.app_id };
  }
}
