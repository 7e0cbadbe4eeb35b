/**
 * The OAuth 2.0 provider (RFC 6749, 7009, 7636; the WakaTime reference): /oauth/authorize (consent
 * page and its form), /oauth/token (authorization_code, refresh_token), /oauth/revoke. This file
 * parses HTTP and shapes answers; the protocol (and its transactions) is services/oauth.ts, the rules
 * domain/oauth.ts. Access tokens authenticate API calls through http/oauth-auth.ts (a resolver the
 * auth plugin is given by src/app.ts).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, RateLimitedError } from '../domain/errors.js';
import { OAuthProtocolError, type AuthorizeParams, type AuthorizeRequest } from '../domain/oauth.js';
import { errorBody, HttpError, DOMAIN_ERROR_STATUS } from '../http/errors.js';
import { consentPage, errorPage } from '../http/oauth-pages.js';
import { csrfTokenFor, verifyCsrf } from '../http/session.js';
import { TokenAnswer, tokenAnswer } from '../wire/oauth.js';
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

const invalidRequest = (d: string) => new OAuthError(400, 'invalid_request', d);
const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="metronome"' };

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
 * The app's credentials: client_id + secret in the body, or HTTP Basic (which wins for the secret;
 * a different client_id in the body is refused). `basic`: failures then carry a Basic challenge.
 */
function clientCredentials(request: FastifyRequest, body: { client_id?: string; client_secret?: string; app_secret?: string; secret?: string }) {
  const basic = basicCredentials(request);
  let clientId = body.client_id || undefined;
  let secret = clientSecretOf(body);
  if (basic) {
    if (clientId && clientId !== basic.clientId) throw new OAuthError(401, 'invalid_client', 'client_id in the body differs from the Authorization header', BASIC_CHALLENGE);
    clientId = basic.clientId;
    secret = basic.secret || secret;
  }
  return { clientId, secret, basic: !!basic };
}

function rateLimited(reply: FastifyReply, err: RateLimitedError) {
  return reply
    .code(429)
    .header('retry-after', String(err.retryAfterSeconds))
    .header('cache-control', 'no-store')
    .send({ error: err.message, error_description: err.message });
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

export const oauthRoutes: RouteFamily = async (app, { services, config }) => {
  const oauth = services.oauth;

  app.setErrorHandler((err: FastifyError | OAuthError | OAuthProtocolError | DomainError | HttpError, request, reply) => {
    const isTokenEndpoint = request.url.startsWith('/oauth/token') || request.url.startsWith('/oauth/revoke');
    if (err instanceof OAuthProtocolError) err = new OAuthError(err.code === 'invalid_client' ? 401 : 400, err.code, err.message);
    if (err instanceof OAuthError) {
      reply.headers(err.headers);
      return sendOauth(request, reply, err.statusCode, { error: err.error, error_description: err.message });
    }
    if (err instanceof RateLimitedError) return rateLimited(reply, err);
    if (err instanceof DomainError) err = new HttpError(DOMAIN_ERROR_STATUS[err.kind], err.message, err.field);
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

  /** The logged-in browser's user (only a session counts here: never an API key or a token). */
  function sessionUser(request: FastifyRequest) {
    return request.viewer?.via === 'session' ? request.viewer.user : null;
  }

  /** The app's credentials checked by the service; over HTTP Basic, a failure carries the challenge. */
  async function authenticateClient(request: FastifyRequest, body: Parameters<typeof clientCredentials>[1]) {
    const client = clientCredentials(request, body);
    try {
      return await oauth.authenticateClient(client);
    } catch (err) {
      if (client.basic && err instanceof OAuthProtocolError) throw new OAuthError(401, err.code, err.message, BASIC_CHALLENGE);
      throw err;
    }
  }

  const redirect = (reply: FastifyReply, url: string) => reply.code(302).header('cache-control', 'no-store').redirect(url);
  // the session (if any) is read before the handler; a bad credential is a 401 as anywhere else
  const sessionOptional = { auth: { optional: true } };

  app.get(
    '/oauth/authorize',
    {
      config: sessionOptional,
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
      const ok = await oauth.checkAuthorize(p);
      if (!ok.ok) return fatal(request, reply, ok.message, ok.error);
      const user = sessionUser(request);
      if (!user) return loginRedirect(reply, request.url);
      if (await oauth.alreadyGranted(ok.app, user, ok.request)) {
        return redirect(reply, await oauth.complete(ok.app, user, ok.request, !!p.redirect_uri));
      }
      const html = consentPage({
        appName: ok.app.name,
        appOwner: await oauth.appOwnerName(ok.app),
        username: user.username,
        scopes: ok.request.scopes,
        redirectUri: ok.request.redirectUri,
        csrfToken: csrfTokenFor(request, reply, config),
        fields: formFields(p, ok.request),
      });
      return pageHeaders(reply).type('text/html; charset=utf-8').send(html);
    },
  );

  app.post(
    '/oauth/authorize',
    {
      config: sessionOptional,
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
      const ok = await oauth.checkAuthorize(params);
      if (!ok.ok) return fatal(request, reply, ok.message, ok.error);
      const user = sessionUser(request);
      if (!user) return loginRedirect(reply, authorizeUrl(params));
      if (decision !== 'approve') return reply.code(302).redirect(oauth.denied(ok.request));
      await oauth.approve(ok.app, user, ok.request);
      return redirect(reply, await oauth.complete(ok.app, user, ok.request, !!params.redirect_uri));
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
        response: { 200: TokenAnswer },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const grantType = body.grant_type;
      if (!grantType) throw invalidRequest('grant_type is missing: use authorization_code or refresh_token');
      if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
        throw new OAuthError(400, 'unsupported_grant_type', `grant_type "${grantType}" is not supported: use authorization_code or refresh_token`);
      }
      const oauthApp = await authenticateClient(request, body);
      const exchanged = grantType === 'authorization_code' ? await oauth.exchangeCode(oauthApp, body) : await oauth.refresh(oauthApp, body);
      return sendOauth(request, reply, 200, tokenAnswer(exchanged.issued, exchanged.user, exchanged.now));
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
      const oauthApp = await authenticateClient(request, body);
      await oauth.revoke(oauthApp, body);
      return sendOauth(request, reply, 200, {});
    },
  );
};
