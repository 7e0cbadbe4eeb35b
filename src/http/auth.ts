/**
 * Authentication and authorization: a Fastify plugin (`authPlugin`, registered by src/app.ts
 * before the routes) that decorates every request with
 *
 * - `request.authenticate()`: the request's credentials resolved once (memoized), null when it
 *   carries none, 401 when it carries unknown, revoked or expired ones;
 * - `request.viewer`: that Auth, set before the handler on routes that declare `config.auth`;
 * - `request.subject`: the `:user` the route is about, on routes that declare `config.auth.subject`.
 *
 * A route declares what it needs in its options (`RouteAuth`), and the plugin's preHandler
 * enforces it: 401 without credentials, 403 when authenticated without the scope (or, for account
 * management, as an OAuth app). Nothing is registered at module load: the resolvers of the other
 * credential kinds (OAuth tokens, browser sessions) are passed to the plugin by src/app.ts.
 *
 * Accepted credentials (../shared/spec/README.md): `Authorization: Basic base64(api_key)`,
 * `Basic base64(api_key:)`, `Basic <raw api_key>`, `Bearer <api_key or OAuth token>`,
 * `Bearer base64(api_key)` (Wakapi's clients), `?api_key=`,
 * and OAuth tokens as `?access_token=` / `?token=`. An API key has every scope.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { isApiKeyFormat } from '../domain/api-key.js';
import type { Storage } from '../storage/db.js';
import { findUserByHandle, type UserRow } from '../storage/users.js';
import { HttpError } from './errors.js';

/** `'all'` for API keys; otherwise the granted scope names. */
export type ScopeSet = 'all' | ReadonlySet<string>;

export interface Auth {
  user: UserRow;
  scopes: ScopeSet;
  via: 'api_key' | 'oauth' | 'session';
  /** For OAuth: the app's id; for API keys: the key's id. */
  credentialId?: number;
}

export interface Credential {
  /** Where it came from: tells API keys from OAuth tokens when the format does not. */
  source: 'basic' | 'bearer' | 'api_key_param' | 'token_param';
  value: string;
}

/** A resolver recognizes a credential it owns (e.g. an OAuth access token) and returns its Auth. */
export type CredentialResolver = (credential: Credential, request: FastifyRequest) => Promise<Auth | null>;
/** A resolver for requests without an explicit credential (e.g. a web session cookie). */
export type AmbientResolver = (request: FastifyRequest) => Promise<Auth | null>;
/** Authenticates an API key (cached, with its use recorded): services/api-keys.ts. */
export type ApiKeyAuthenticator = (key: string) => Promise<{ user: UserRow; keyId: number } | null>;

function firstQuery(request: FastifyRequest, name: string): string | undefined {
  const q = request.query as Record<string, unknown> | undefined;
  const v = q?.[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The API key inside base64(api_key), base64(api_key:) or base64(user:api_key); null if none. */
function apiKeyInBase64(value: string): string | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8').trim();
  const [left, right] = decoded.split(':', 2);
  if (left && isApiKeyFormat(left)) return left;
  if (right && isApiKeyFormat(right)) return right;
  return null;
}

/** The credential a request carries, if any. */
export function extractCredential(request: FastifyRequest): Credential | null {
  const header = request.headers.authorization;
  if (header) {
    const [scheme, ...rest] = header.trim().split(/\s+/);
    const value = rest.join(' ');
    if (/^basic$/i.test(scheme ?? '') && value) {
      if (isApiKeyFormat(value)) return { source: 'basic', value };
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      // base64(api_key) or base64(api_key:) or base64(user:api_key) with the key as password
      const [left, right] = decoded.split(':', 2);
      if (left && isApiKeyFormat(left)) return { source: 'basic', value: left };
      if (right && isApiKeyFormat(right)) return { source: 'basic', value: right };
      return { source: 'basic', value: left || decoded };
    }
    if (/^bearer$/i.test(scheme ?? '') && value) {
      // Wakapi's clients send `Bearer base64(api_key)`: accept it like Basic (an OAuth token never decodes to a key)
      if (!isApiKeyFormat(value)) {
        const key = apiKeyInBase64(value);
        if (key) return { source: 'bearer', value: key };
      }
      return { source: 'bearer', value };
    }
    throw new HttpError(401, 'Unsupported Authorization header: use Basic or Bearer');
  }
  const apiKey = firstQuery(request, 'api_key');
  if (apiKey) return { source: 'api_key_param', value: apiKey };
  const token = firstQuery(request, 'access_token') ?? firstQuery(request, 'token');
  if (token) return { source: 'token_param', value: token };
  return null;
}

/** What a route needs, declared in its options: `{ config: { auth: { scope: 'read_stats' } } }`. */
export interface RouteAuth {
  /** One of these scopes is needed (of the owner, when `subject` is set). */
  scope?: string | readonly string[];
  /**
   * Account management: only the user's API key or browser session, never an OAuth app acting for
   * them. The words complete "OAuth apps cannot …" (e.g. 'manage API keys').
   */
  owner?: string;
  /** No credentials are fine: `request.viewer` is then null (unknown credentials are still a 401). */
  optional?: boolean;
  /**
   * The route is about the user named by this path parameter (`current`, a username or an id):
   * resolved into `request.subject`, 404 when unknown; `scope` applies when the viewer is that user.
   */
  subject?: string;
  /** With `subject`: whether someone else (or nobody) may see this user's data here. */
  allowPublic?: (user: UserRow) => boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    /** The request's credentials, resolved once; null when it carries none (401 for bad ones). */
    authenticate(): Promise<Auth | null>;
    /** The authenticated requester: set before the handler on routes that declare `config.auth`. */
    viewer: Auth | null;
    /** The user a route with `config.auth.subject` is about, and whether the viewer is them. */
    subject: TargetUser | null;
  }
}

export interface AuthPluginOptions {
  storage: Storage;
  apiKeys: ApiKeyAuthenticator;
  /** Other credential kinds, tried in order after API keys (OAuth access tokens). */
  tokenResolvers?: readonly CredentialResolver[];
  /** Requests without an explicit credential, tried in order (the browser session cookie). */
  ambientResolvers?: readonly AmbientResolver[];
}

const AUTH_REQUIRED = 'Authentication required: send your API key (Authorization: Basic base64(api_key)) or an OAuth token';

function authenticator(options: AuthPluginOptions): (request: FastifyRequest) => Promise<Auth | null> {
  const tokenResolvers = [...(options.tokenResolvers ?? [])];
  const ambientResolvers = [...(options.ambientResolvers ?? [])];
  return async (request) => {
    const credential = extractCredential(request);
    if (!credential) {
      for (const r of ambientResolvers) {
        const auth = await r(request);
        if (auth) return auth;
      }
      return null;
    }
    if (credential.source !== 'token_param' && isApiKeyFormat(credential.value)) {
      const found = await options.apiKeys(credential.value);
      if (found) return { user: found.user, scopes: 'all', via: 'api_key', credentialId: found.keyId };
    }
    for (const r of tokenResolvers) {
      const auth = await r(credential, request);
      if (auth) return auth;
    }
    throw new HttpError(401, 'Invalid credentials: the API key or token is unknown, revoked or expired');
  };
}

/** Enforces a route's RouteAuth for the request; sets request.viewer (and request.subject). */
async function enforce(storage: Storage, request: FastifyRequest, rule: RouteAuth): Promise<void> {
  if (rule.subject !== undefined) {
    const handle = (request.params as Record<string, unknown> | undefined)?.[rule.subject];
    const target = await resolveTargetUser(storage, request, typeof handle === 'string' ? handle : 'current', { scope: rule.scope, allowPublic: rule.allowPublic });
    request.subject = target;
    request.viewer = target.auth;
    return;
  }
  const auth = await request.authenticate();
  request.viewer = auth;
  if (!auth) {
    if (rule.optional) return;
    throw new HttpError(401, AUTH_REQUIRED);
  }
  if (rule.owner !== undefined && auth.via === 'oauth') throw new HttpError(403, `OAuth apps cannot ${rule.owner}: use your API key or the web app.`);
  if (rule.scope !== undefined) requireScope(auth, rule.scope);
}

const plugin: FastifyPluginAsync<AuthPluginOptions> = async (app: FastifyInstance, options) => {
  const resolveCredentials = authenticator(options);
  // a disabled account's credentials (keys, tokens, sessions) stop working (050_orgs: instance admin)
  const resolve = async (request: FastifyRequest): Promise<Auth | null> => {
    const auth = await resolveCredentials(request);
    if (auth && auth.user.disabled_at != null) throw new HttpError(401, 'This account is disabled: ask an administrator of this instance.');
    return auth;
  };
  const memo = new WeakMap<FastifyRequest, Promise<Auth | null>>();
  app.decorateRequest('viewer', null);
  app.decorateRequest('subject', null);
  app.decorateRequest('authenticate', function (this: FastifyRequest) {
    let p = memo.get(this);
    if (!p) memo.set(this, (p = resolve(this)));
    return p;
  });
  app.addHook('preHandler', async (request) => {
    const rule = request.routeOptions.config.auth;
    if (rule) await enforce(options.storage, request, rule);
  });
};
// applies to the whole app (what fastify-plugin does): the decorators and the hook reach every route
(plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
(plugin as unknown as Record<symbol, string>)[Symbol.for('fastify.display-name')] = 'metronome-auth';

/** The authentication plugin: register it before the routes (src/app.ts). */
export const authPlugin = plugin;

/** The viewer of a route that declared `config.auth` without `optional`: never null there. */
export function viewerOf(request: FastifyRequest): Auth {
  if (!request.viewer) throw new HttpError(401, AUTH_REQUIRED);
  return request.viewer;
}

/** The request's authentication, resolved once per request; null when it carries none. */
export function optionalAuth(_storage: Storage, request: FastifyRequest): Promise<Auth | null> {
  return request.authenticate();
}

export async function requireAuth(storage: Storage, request: FastifyRequest): Promise<Auth> {
  const auth = await optionalAuth(storage, request);
  if (!auth) throw new HttpError(401, AUTH_REQUIRED);
  return auth;
}

/**
 * The user managing their own account (API keys, OAuth apps and grants, preferences): their API
 * key or browser session, never an OAuth app acting for them. `what` completes "OAuth apps cannot …".
 * Routes may declare `config: { auth: { owner: what } }` instead.
 */
export async function requireAccountOwner(storage: Storage, request: FastifyRequest, what: string): Promise<Auth> {
  const auth = await requireAuth(storage, request);
  if (auth.via === 'oauth') throw new HttpError(403, `OAuth apps cannot ${what}: use your API key or the web app.`);
  return auth;
}

export function hasScope(scopes: ScopeSet, scope: string): boolean {
  return scopes === 'all' || scopes.has(scope);
}

/** Throws 403 naming the scope unless one of `anyOf` is granted. */
export function requireScope(auth: Auth, anyOf: string | readonly string[]): void {
  const wanted = typeof anyOf === 'string' ? [anyOf] : anyOf;
  if (wanted.length === 0 || wanted.some((s) => hasScope(auth.scopes, s))) return;
  throw new HttpError(403, `Missing scope: this requires ${wanted.join(' or ')}`, undefined);
}

export interface TargetUser {
  /** The user whose data is asked for. */
  user: UserRow;
  /** The requester, when authenticated. */
  auth: Auth | null;
  /** True when the requester is the user (or acts for them with the scope). */
  isOwner: boolean;
}

export interface ResolveOptions {
  /** Scopes of which one is needed when the requester is the user. */
  scope?: string | readonly string[];
  /**
   * Whether someone else (or nobody) may see this user's data here: e.g. public stats.
   * Called only for non-owners; false means 403 (404 when the user does not exist).
   */
  allowPublic?: (user: UserRow) => boolean;
}

/** Resolves `:user` (`current`, a username or a user id) and checks that the requester may see it. */
export async function resolveTargetUser(storage: Storage, request: FastifyRequest, handle: string, options: ResolveOptions = {}): Promise<TargetUser> {
  const auth = await optionalAuth(storage, request);
  if (handle === 'current') {
    if (!auth) throw new HttpError(401, 'Authentication required: send your API key or an OAuth token');
    if (options.scope) requireScope(auth, options.scope);
    return { user: auth.user, auth, isOwner: true };
  }
  const user = await findUserByHandle(storage.db, handle);
  if (auth && user && user.id === auth.user.id) {
    if (options.scope) requireScope(auth, options.scope);
    return { user: auth.user, auth, isOwner: true };
  }
  if (!user) throw new HttpError(404, `User not found: ${handle}`);
  if (options.allowPublic?.(user)) return { user, auth, isOwner: false };
  // 403 is for "authenticated but not allowed"; with no credentials at all, say how to authenticate
  if (!auth) throw new HttpError(401, "Authentication required: this user's data is not public; send your API key or an OAuth token");
  throw new HttpError(403, 'Forbidden: this user\'s data is not public');
}
