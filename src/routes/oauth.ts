/**
 * The OAuth 2.0 provider (RFC 6749, 7009, 7636; the WakaTime reference): /oauth/authorize (consent
 * page and its form), /oauth/token (authorization_code, refresh_token), /oauth/revoke. Rules live in
 * domain/oauth.ts, SQL in storage/oauth.ts; access tokens authenticate API calls through
 * http/oauth-auth.ts.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  checkAuthorizeRequest,
  CODE_TTL_S,
  formatScopes,
  isTruthy,
  loadScopes,
  parseScopes,
  redirectWith,
  scopesCover,
  secretMatches,
  sortScopes,
  tokenLifetime,
  verifyPkce,
  type AuthorizeParams,
  type AuthorizeRequest,
} from '../domain/oauth.js';
import { isoOrNull } from '../domain/time.js';
import { optionalAuth, type Auth } from '../http/auth.js';
import { errorBody, HttpError } from '../http/errors.js';
import '../http/oauth-auth.js';
import { consentPage, errorPage } from '../http/oauth-pages.js';
import { csrfTokenFor, verifyCsrf } from '../http/session.js';
import type { Storage } from '../storage/db.js';
import {
  appRedirectUris,
  createAuthorizationCode,
  findAppToken,
  findAuthorizationCode,
  findByRefreshToken,
  findGrant,
  findOauthAppByClientId,
  issueTokens,
  markCodeUsed,
  revokeAppTokens,
  revokeCodeTokens,
  revokeToken,
  revokeUserAppTokens,
  saveGrant,
  TokenRateLimited,
  type IssuedTokens,
  type OauthAppRow,
} from '../storage/oauth.js';
import { findUserByHandle, findUserById, type UserRow } from '../storage/users.js';
import type { RouteFamily } from './types.js';

const tags = ['oauth'];
const security: [] = [];
const str = (maxLength = 4096) => Type.Optional(Type.String({ maxLength }));

const AuthorizeQuery = Type.Object({
  client_id: str(200),
  response_type: str(50),
  redirect_uri: str(2000),
  scope: str(2000),
  state: str(2000),
  force_approve: str(10),
  code_challenge: str(200),
  code_challenge_method: str(20),
});

const AuthorizeForm = Type.Object({
  ...AuthorizeQuery.properties,
  csrf_token: str(200),
  decision: str(20),
});

const TokenBody = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ description: 'authorization_code or refresh_token' })),
    code: str(),
    redirect_uri: str(2000),
    code_verifier: str(200),
    refresh_token: str(),
    scope: str(2000),
    client_id: str(200),
    client_secret: Type.Optional(Type.String({ maxLength: 200, description: 'also accepted as app_secret or secret' })),
    app_secret: str(200),
    secret: str(200),
  },
  { additionalProperties: true },
);

const RevokeBody = Type.Object(
  {
    client_id: str(200),
    client_secret: Type.Optional(Type.String({ maxLength: 200, description: 'also accepted as app_secret or secret' })),
    app_secret: str(200),
    secret: str(200),
    token: Type.Optional(Type.String({ maxLength: 4096, description: 'an access or refresh token: revokes the pair' })),
    token_type_hint: str(50),
    user_id: Type.Optional(Type.String({ maxLength: 200, description: "a user's id (or username): revokes all their tokens for this app" })),
    all: Type.Optional(Type.String({ maxLength: 10, description: 'true: with token, all tokens of its user; alone, every token of the app' })),
  },
  { additionalProperties: true },
);

const consumes = ['application/x-www-form-urlencoded', 'application/json'];
/** An RFC 6749 §5.2 error: `{"error": code, "error_description": …}`. */
class OAuthError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

const invalidGrant = (d: string) => new OAuthError(400, 'invalid_grant', d);
const invalidRequest = (d: string) => new OAuthError(400, 'invalid_request', d);

function wantsForm(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? '').toLowerCase();
  const form = accept.indexOf('application/x-www-form-urlencoded');
  if (form === -1) return false;
  const json = accept.indexOf('application/json');
  return json === -1 || form < json;
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? '').toLowerCase();
  return accept.includes('text/html') && !accept.includes('application/json');
}

/** Token endpoint answers: never cached; JSON, or form-urlencoded when the client's Accept asks for it. */
function sendOauth(request: FastifyRequest, reply: FastifyReply, status: number, body: Record<string, string | number>) {
  reply.code(status).header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (wantsForm(request)) {
    const form = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]));
    return reply.type('application/x-www-form-urlencoded').send(form.toString());
  }
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function clientSecretOf(body: { client_secret?: string; app_secret?: string; secret?: string }): string | undefined {
  return body.client_secret || body.app_secret || body.secret || undefined;
}

/** RFC 6749 §2.3.1 Basic credentials: form-urlencoded client_id and secret. */
function basicCredentials(request: FastifyRequest): { clientId: string; secret: string } | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const m = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new OAuthError(401, 'invalid_client', 'Authorization header must be Basic base64(client_id:client_secret)', { 'www-authenticate': 'Basic realm="metronome"' });
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return colon === -1 ? { clientId: dec(decoded), secret: '' } : { clientId: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)) };
}

/**
 * Authenticates the app: client_id + secret in the body or HTTP Basic. Public apps identify with
 * client_id alone (they have no secret). Failures are 401 invalid_client.
 */
async function authenticateClient(storage: Storage, request: FastifyRequest, body: { client_id?: string; client_secret?: string; app_secret?: string; secret?: string }): Promise<OauthAppRow> {
  const basic = basicCredentials(request);
  const challenge = basic ? { 'www-authenticate': 'Basic realm="metronome"' } : undefined;
  const fail = (d: string) => new OAuthError(401, 'invalid_client', d, challenge);
  let clientId = body.client_id || undefined;
  let secret = clientSecretOf(body);
  if (basic) {
    if (clientId && clientId !== basic.clientId) throw fail('client_id in the body differs from the Authorization header');
    clientId = basic.clientId;
    secret = basic.secret || secret;
  }
  if (!clientId) throw fail('client_id is missing');
  const app = await findOauthAppByClientId(storage.db, clientId);
  if (!app) throw fail('no app has this client_id');
  if (app.is_public) {
    if (secret) throw fail('this app is public: it has no client secret (send client_id alone)');
    return app;
  }
  if (!secret) throw fail('client_secret is missing');
  if (!secretMatches(secret, app.client_secret_hash)) throw fail('client_secret is wrong');
  return app;
}

function tokenAnswer(issued: IssuedTokens, user: UserRow, now: number): Record<string, string | number> {
  const body: Record<string, string | number> = {
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

function rateLimited(reply: FastifyReply, err: TokenRateLimited) {
  return reply.code(429).header('retry-after', String(err.retryAfter)).header('cache-control', 'no-store').send({ error: err.message, error_description: err.message });
}

/** The authorize request as the consent form carries it back. */
function formFields(p: AuthorizeParams, r: AuthorizeRequest): Record<string, string | undefined> {
  return {
    client_id: p.client_id,
    response_type: r.responseType,
    // as the app sent it: whether it sent one decides whether the token request must repeat it
    redirect_uri: p.redirect_uri || undefined,
    scope: r.scopes.join(' '),
    state: r.state,
    force_approve: r.forceApprove ? 'true' : undefined,
    code_challenge: r.codeChallenge ?? undefined,
    code_challenge_method: r.codeChallengeMethod ?? undefined,
  };
}

function authorizeUrl(p: AuthorizeParams): string {
  const pairs = Object.entries(p).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  return `/oauth/authorize?${new URLSearchParams(pairs).toString()}`;
}

/**
 * Headers of the server-rendered pages (consent, errors): no framing (clickjacking of the Approve
 * button), no sniffing, no Referer (the URL carries state and code challenges), no caching.
 */
function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
}

function loginRedirect(reply: FastifyReply, next: string) {
  return reply.code(302).header('cache-control', 'no-store').redirect(`/login?next=${encodeURIComponent(next)}`);
}

export const oauthRoutes: RouteFamily = async (app, { storage, config }) => {
  app.setErrorHandler((err: FastifyError | OAuthError | HttpError, request, reply) => {
    const isTokenEndpoint = request.url.startsWith('/oauth/token') || request.url.startsWith('/oauth/revoke');
    if (err instanceof OAuthError) {
      reply.headers(err.headers);
      return sendOauth(request, reply, err.statusCode, { error: err.error, error_description: err.message });
    }
    if (err instanceof TokenRateLimited) return rateLimited(reply, err);
    if (isTokenEndpoint && !(err instanceof HttpError)) {
      const status = (err as FastifyError).statusCode ?? 500;
      if (status < 500) return sendOauth(request, reply, 400, { error: 'invalid_request', error_description: err.message });
      request.log.error({ err }, 'oauth request failed');
      return sendOauth(request, reply, 500, { error: 'server_error', error_description: 'Internal server error' });
    }
    if (err instanceof HttpError && wantsHtml(request)) {
      return pageHeaders(reply).code(err.statusCode).type('text/html; charset=utf-8').send(errorPage('Request refused', err.message));
    }
    if (err instanceof HttpError) return reply.code(err.statusCode).send(errorBody(err.message, err.field));
    throw err;
  });

  /**
   * 400 for an authorize request that is not valid: JSON for API clients, a page for browsers.
   * Never a redirect to the app's redirect URI: anyone can register an app with any redirect URI,
   * so sending the browser there before the user saw anything would make this server an open
   * redirector (RFC 9700 §4.11.2). The only error sent back to the app is access_denied, after
   * the user chose to deny.
   */
  function fatal(request: FastifyRequest, reply: FastifyReply, message: string, error = 'invalid_request') {
    reply.code(400).header('cache-control', 'no-store');
    if (wantsHtml(request)) return pageHeaders(reply).type('text/html; charset=utf-8').send(errorPage('This authorization request is not valid', message));
    return reply.send({ error, error_description: message });
  }

  /** Validates an authorize request; sends the error answer itself and returns null on failure. */
  async function check(request: FastifyRequest, reply: FastifyReply, p: AuthorizeParams) {
    const oauthApp = p.client_id ? await findOauthAppByClientId(storage.db, p.client_id) : undefined;
    const checked = checkAuthorizeRequest(oauthApp ? { redirectUris: appRedirectUris(oauthApp), isPublic: !!oauthApp.is_public } : null, p);
    if (checked.kind === 'fatal') {
      await fatal(request, reply, checked.message);
      return null;
    }
    if (checked.kind === 'redirect_error') {
      await fatal(request, reply, checked.description, checked.error);
      return null;
    }
    return { oauthApp: oauthApp!, req: checked.request };
  }

  /** Issues what the app asked for (a code, or a token for the token flow) and sends the browser back. */
  async function complete(reply: FastifyReply, oauthApp: OauthAppRow, user: UserRow, r: AuthorizeRequest, redirectUriGiven: boolean) {
    const now = Date.now() / 1000;
    if (r.responseType === 'code') {
      const code = await createAuthorizationCode(
        storage.db,
        {
          appId: oauthApp.id,
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
      return reply.code(302).header('cache-control', 'no-store').redirect(redirectWith(r.redirectUri, { code, state: r.state }, 'query'));
    }
    const issued = await storage.db.transaction().execute((tx) => issueTokens(tx, { appId: oauthApp.id, userId: user.id, scopes: r.scopes, flow: 'token' }, now));
    const fragment = {
      access_token: issued.accessToken,
      token_type: 'bearer',
      expires_in: String(tokenLifetime('token')),
      scope: formatScopes(r.scopes),
      state: r.state,
    };
    return reply.code(302).header('cache-control', 'no-store').redirect(redirectWith(r.redirectUri, fragment, 'fragment'));
  }

  async function sessionUser(request: FastifyRequest): Promise<Auth | null> {
    const auth = await optionalAuth(storage, request);
    return auth?.via === 'session' ? auth : null;
  }

  app.get(
    '/oauth/authorize',
    {
      schema: {
        summary: 'Ask the logged-in user to authorize an app (consent page), or redirect at once when already granted',
        description: 'Not logged in: 302 to /login?next=…. Errors before the redirect URI is validated: 400; after: a redirect with error= and state.',
        tags,
        security,
        querystring: AuthorizeQuery,
      },
    },
    async (request, reply) => {
      const p = request.query;
      const ok = await check(request, reply, p);
      if (!ok) return reply;
      const auth = await sessionUser(request);
      if (!auth) return loginRedirect(reply, request.url);
      const grant = await findGrant(storage.db, ok.oauthApp.id, auth.user.id);
      if (grant && !ok.req.forceApprove && scopesCover(loadScopes(grant.scopes), ok.req.scopes)) {
        return complete(reply, ok.oauthApp, auth.user, ok.req, !!p.redirect_uri);
      }
      const owner = await findUserById(storage.db, ok.oauthApp.user_id);
      const html = consentPage({
        appName: ok.oauthApp.name,
        appOwner: owner?.username ?? null,
        username: auth.user.username,
        scopes: ok.req.scopes,
        redirectUri: ok.req.redirectUri,
        csrfToken: csrfTokenFor(request, reply, config),
        fields: formFields(p, ok.req),
      });
      return pageHeaders(reply).type('text/html; charset=utf-8').send(html);
    },
  );

  app.post(
    '/oauth/authorize',
    {
      schema: {
        summary: 'The consent form: approve (issue a code or token) or deny, then redirect back to the app',
        tags,
        security,
        consumes,
        body: AuthorizeForm,
      },
    },
    async (request, reply) => {
      const body = request.body;
      verifyCsrf(request);
      const { csrf_token: _csrf, decision, ...params } = body;
      const ok = await check(request, reply, params);
      if (!ok) return reply;
      const auth = await sessionUser(request);
      if (!auth) return loginRedirect(reply, authorizeUrl(params));
      if (decision !== 'approve') {
        const where = ok.req.responseType === 'token' ? 'fragment' : 'query';
        return reply.code(302).redirect(redirectWith(ok.req.redirectUri, { error: 'access_denied', error_description: 'The user denied access', state: ok.req.state }, where));
      }
      const grant = await findGrant(storage.db, ok.oauthApp.id, auth.user.id);
      await saveGrant(storage.db, ok.oauthApp.id, auth.user.id, sortScopes([...(grant ? loadScopes(grant.scopes) : []), ...ok.req.scopes]));
      return complete(reply, ok.oauthApp, auth.user, ok.req, !!params.redirect_uri);
    },
  );

  app.post(
    '/oauth/token',
    {
      schema: {
        summary: 'Exchange an authorization code, or a refresh token, for an access token',
        description:
          'Client credentials: client_id + client_secret (or app_secret / secret) in the body, or HTTP Basic; public apps send client_id and code_verifier. JSON answer, or form-urlencoded when Accept asks for it.',
        tags,
        security,
        consumes,
        body: TokenBody,
      },
    },
    async (request, reply) => {
      const body = request.body;
      const grantType = body.grant_type;
      if (!grantType) throw invalidRequest('grant_type is missing: use authorization_code or refresh_token');
      if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
        throw new OAuthError(400, 'unsupported_grant_type', `grant_type "${grantType}" is not supported: use authorization_code or refresh_token`);
      }
      const oauthApp = await authenticateClient(storage, request, body);
      const now = Date.now() / 1000;

      if (grantType === 'authorization_code') {
        if (!body.code) throw invalidRequest('code is missing');
        const code = await findAuthorizationCode(storage.db, body.code);
        if (!code || code.app_id !== oauthApp.id) throw invalidGrant('the authorization code is unknown');
        if (code.used_at !== null) {
          // RFC 6749 §4.1.2: a replayed code revokes what it issued
          await revokeCodeTokens(storage.db, code.id, now);
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
        } else if (oauthApp.is_public) {
          throw invalidGrant('PKCE is required for this app');
        }
        const user = await findUserById(storage.db, code.user_id);
        if (!user) throw invalidGrant('the user no longer exists');
        let replayed = false;
        const issued = await storage.db.transaction().execute(async (tx) => {
          if (!(await markCodeUsed(tx, code.id, now))) {
            replayed = true;
            return null;
          }
          return issueTokens(tx, { appId: oauthApp.id, userId: user.id, scopes: loadScopes(code.scopes), flow: 'code', codeId: code.id }, now);
        });
        if (replayed || !issued) {
          await revokeCodeTokens(storage.db, code.id, now);
          throw invalidGrant('the authorization code was already used: the tokens issued from it are revoked');
        }
        return sendOauth(request, reply, 200, tokenAnswer(issued, user, now));
      }

      // refresh_token: rotate the pair
      if (!body.refresh_token) throw invalidRequest('refresh_token is missing');
      const old = await findByRefreshToken(storage.db, oauthApp.id, body.refresh_token);
      if (old && old.revoked_at !== null && old.code_id !== null) {
        // A spent refresh token presented again: someone holds a copy (RFC 6819 §5.2.2.3). End the
        // whole chain issued from that authorization, the current pair included.
        await revokeCodeTokens(storage.db, old.code_id, now);
        throw invalidGrant('the refresh token was already used or revoked: every token of this authorization is now revoked');
      }
      if (!old || old.revoked_at !== null || old.expires_at <= now) throw invalidGrant('the refresh token is unknown, revoked or expired');
      if (body.redirect_uri && !appRedirectUris(oauthApp).includes(body.redirect_uri)) throw invalidGrant('redirect_uri is not registered for this app');
      let scopes = loadScopes(old.scopes);
      if (body.scope) {
        const parsed = parseScopes(body.scope);
        if (!parsed.ok) throw new OAuthError(400, 'invalid_scope', `unknown scope: ${parsed.unknown.join(', ')}`);
        if (!scopesCover(scopes, parsed.scopes)) throw new OAuthError(400, 'invalid_scope', 'a refresh may only keep or narrow the scopes of the original grant');
        scopes = parsed.scopes;
      }
      const user = await findUserById(storage.db, old.user_id);
      if (!user) throw invalidGrant('the user no longer exists');
      const issued = await storage.db.transaction().execute(async (tx) => {
        if (!(await revokeToken(tx, old.id, now))) return null;
        return issueTokens(tx, { appId: oauthApp.id, userId: user.id, scopes, flow: 'code', codeId: old.code_id }, now);
      });
      if (!issued) throw invalidGrant('the refresh token was just used');
      return sendOauth(request, reply, 200, tokenAnswer(issued, user, now));
    },
  );

  app.post(
    '/oauth/revoke',
    {
      schema: {
        summary: 'Revoke tokens: one token (and its pair), all of a user\'s tokens for the app, or all of the app\'s tokens',
        description:
          'token: that access/refresh pair; token + all=true: every token of its user (the token may be revoked or expired); user_id: every token of that user; all=true alone: every token of the app. 200 even when the token was already invalid.',
        tags,
        security,
        consumes,
        body: RevokeBody,
      },
    },
    async (request, reply) => {
      const body = request.body;
      const oauthApp = await authenticateClient(storage, request, body);
      const all = isTruthy(body.all);
      const now = Date.now() / 1000;
      if (body.token) {
        const row = await findAppToken(storage.db, oauthApp.id, body.token);
        if (row && all) await revokeUserAppTokens(storage.db, oauthApp.id, row.user_id, now);
        else if (row) await revokeToken(storage.db, row.id, now);
      } else if (body.user_id || all) {
        // client_id alone must not be able to log every user of a public app out
        if (oauthApp.is_public) throw new OAuthError(401, 'invalid_client', 'public apps revoke with a token (send token, optionally with all=true)');
        if (body.user_id) {
          const user = await findUserByHandle(storage.db, body.user_id);
          if (user) await revokeUserAppTokens(storage.db, oauthApp.id, user.id, now);
        } else {
          await revokeAppTokens(storage.db, oauthApp.id, now);
        }
      } else {
        throw invalidRequest('send token, user_id or all=true');
      }
      return sendOauth(request, reply, 200, {});
    },
  );
};
