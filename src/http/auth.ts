/**
 * Authentication and authorization for /api/v1.
 *
 * Accepted credentials (../shared/spec/README.md): `Authorization: Basic base64(api_key)`,
 * `Basic base64(api_key:)`, `Basic <raw api_key>`, `Bearer <api_key or OAuth token>`,
 * `Bearer base64(api_key)` (Wakapi's clients), `?api_key=`,
 * and OAuth tokens as `?access_token=` / `?token=`. An API key has every scope; other kinds of
 * credentials (OAuth tokens, web sessions) come from resolvers registered by their modules.
 */
import type { FastifyRequest } from 'fastify';
import { isApiKeyFormat } from '../domain/api-key.js';
import type { Storage } from '../storage/db.js';
import { findUserByApiKey, touchApiKey } from '../storage/api-keys.js';
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
export type CredentialResolver = (storage: Storage, credential: Credential, request: FastifyRequest) => Promise<Auth | null>;
/** A resolver for requests without an explicit credential (e.g. a web session cookie). */
export type AmbientResolver = (storage: Storage, request: FastifyRequest) => Promise<Auth | null>;

const credentialResolvers: CredentialResolver[] = [];
const ambientResolvers: AmbientResolver[] = [];

export function registerTokenResolver(resolver: CredentialResolver): void {
  credentialResolvers.push(resolver);
}
export function registerAmbientResolver(resolver: AmbientResolver): void {
  ambientResolvers.push(resolver);
}

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

/**
 * API key → user lookups are cached for a few seconds: every heartbeat and status-bar request
 * authenticates, and the status bar must answer in a few milliseconds. Changes made through this
 * instance (revoked keys, new preferences) drop the cache at once; another instance's changes
 * show within CREDENTIAL_TTL_MS.
 */
const CREDENTIAL_TTL_MS = 5000;
const credentialCache = new Map<string, { auth: Auth; expires: number }>();
const keysOfUser = new Map<number, Set<string>>();

/** Forget cached credentials (all of them, or one user's: their row changed or a key was revoked). */
export function forgetCachedCredentials(userId?: number): void {
  if (userId === undefined) {
    credentialCache.clear();
    keysOfUser.clear();
    return;
  }
  for (const k of keysOfUser.get(userId) ?? []) credentialCache.delete(k);
  keysOfUser.delete(userId);
}

async function apiKeyAuth(storage: Storage, key: string): Promise<Auth | null> {
  const now = Date.now();
  const hit = credentialCache.get(key);
  if (hit && hit.expires > now) return hit.auth;
  const found = await findUserByApiKey(storage.db, key);
  if (!found) {
    credentialCache.delete(key);
    return null;
  }
  const auth: Auth = { user: found.user, scopes: 'all', via: 'api_key', credentialId: found.keyId };
  if (credentialCache.size >= 10_000) forgetCachedCredentials();
  credentialCache.set(key, { auth, expires: now + CREDENTIAL_TTL_MS });
  let keys = keysOfUser.get(found.user.id);
  if (!keys) keysOfUser.set(found.user.id, (keys = new Set()));
  keys.add(key);
  return auth;
}

/**
 * `api_keys.last_used_at`, written at most once a minute per key and never awaited by the request
 * (heartbeats must not wait on it): per database, when this instance last recorded each key.
 */
const KEY_USE_INTERVAL_MS = 60_000;
const keyUses = new WeakMap<Storage, Map<number, number>>();
const pendingKeyUses = new Set<Promise<unknown>>();

function noteKeyUse(storage: Storage, keyId: number, request: FastifyRequest): void {
  let seen = keyUses.get(storage);
  if (!seen) keyUses.set(storage, (seen = new Map()));
  const now = Date.now();
  if (now - (seen.get(keyId) ?? -Infinity) < KEY_USE_INTERVAL_MS) return;
  if (seen.size >= 100_000) seen.clear();
  seen.set(keyId, now);
  const p = touchApiKey(storage.db, keyId, now / 1000, KEY_USE_INTERVAL_MS / 1000)
    .catch((err: unknown) => request.log.warn({ err }, 'could not record the API key use'))
    .finally(() => pendingKeyUses.delete(p));
  pendingKeyUses.add(p);
}

/** Resolves once the last-used writes started so far are done (tests, shutdown). */
export async function settleKeyUses(): Promise<void> {
  await Promise.all([...pendingKeyUses]);
}

const AUTH = Symbol('metronome.auth');
type WithAuth = FastifyRequest & { [AUTH]?: Promise<Auth | null> };

async function resolve(storage: Storage, request: FastifyRequest): Promise<Auth | null> {
  const credential = extractCredential(request);
  if (!credential) {
    for (const r of ambientResolvers) {
      const auth = await r(storage, request);
      if (auth) return auth;
    }
    return null;
  }
  if (credential.source !== 'token_param' && isApiKeyFormat(credential.value)) {
    const auth = await apiKeyAuth(storage, credential.value);
    if (auth) {
      noteKeyUse(storage, auth.credentialId!, request);
      return auth;
    }
  }
  for (const r of credentialResolvers) {
    const auth = await r(storage, credential, request);
    if (auth) return auth;
  }
  throw new HttpError(401, 'Invalid credentials: the API key or token is unknown, revoked or expired');
}

/** The request's authentication, resolved once per request; null when it carries none. */
export function optionalAuth(storage: Storage, request: FastifyRequest): Promise<Auth | null> {
  const r = request as WithAuth;
  r[AUTH] ??= resolve(storage, request);
  return r[AUTH];
}

export async function requireAuth(storage: Storage, request: FastifyRequest): Promise<Auth> {
  const auth = await optionalAuth(storage, request);
  if (!auth) throw new HttpError(401, 'Authentication required: send your API key (Authorization: Basic base64(api_key)) or an OAuth token');
  return auth;
}

/**
 * The user managing their own account (API keys, OAuth apps and grants, preferences): their API
 * key or browser session, never an OAuth app acting for them. `what` completes "OAuth apps cannot …".
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
