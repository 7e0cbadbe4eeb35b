/**
 * The OAuth 2.0 provider's pure rules: the scope catalogue (with the words the consent page shows),
 * scope lists, PKCE, secrets (client secrets, codes, tokens: random, stored as sha256 hex, compared in
 * constant time), redirect URI rules, lifetimes and limits. No I/O.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { isKnownScope, scopeRank } from './scopes.js';

export { BASE_ACCESS, describeScope, isKnownScope, SCOPES, type ScopeInfo } from './scopes.js';

export type ScopeParse = { ok: true; scopes: string[] } | { ok: false; unknown: string[] };

/**
 * A comma- or space-separated scope list (as the reference accepts it) → known scope names,
 * deduplicated, in catalogue order. Unknown names fail the whole list.
 */
export function parseScopes(input: string | null | undefined): ScopeParse {
  const names = (input ?? '').split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((n) => !isKnownScope(n));
  if (unknown.length) return { ok: false, unknown: [...new Set(unknown)] };
  return { ok: true, scopes: sortScopes(names) };
}

/** Deduplicated, in catalogue order. */
export function sortScopes(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => scopeRank(a) - scopeRank(b) || a.localeCompare(b));
}

/** Stored form: space-separated (oauth_grants / oauth_codes / oauth_tokens.scopes). */
export function storeScopes(scopes: readonly string[]): string {
  return sortScopes(scopes).join(' ');
}
export function loadScopes(stored: string): string[] {
  return stored.split(/[\s,]+/).filter(Boolean);
}
/** The form token answers use, like the reference: comma-separated. */
export function formatScopes(scopes: readonly string[]): string {
  return sortScopes(scopes).join(',');
}

/** The parent scope that includes a sub-scope (read_stats.languages → read_stats), if any. */
function parentOf(scope: string): string | undefined {
  const dot = scope.indexOf('.');
  return dot > 0 ? scope.slice(0, dot) : undefined;
}

/** True when `granted` includes every scope of `requested` (a parent scope includes its sub-scopes). */
export function scopesCover(granted: Iterable<string>, requested: Iterable<string>): boolean {
  const g = new Set(granted);
  for (const s of requested) {
    if (g.has(s)) continue;
    const parent = parentOf(s);
    if (parent && g.has(parent)) continue;
    return false;
  }
  return true;
}

// ---- lifetimes and limits (the reference's numbers) ----

/** Access and refresh tokens of the code flow. */
export const CODE_FLOW_TOKEN_TTL_S = 365 * 24 * 3600;
/** Access tokens of the token (implicit) flow; no refresh token. */
export const TOKEN_FLOW_TOKEN_TTL_S = 12 * 3600;
/** Authorization codes: single use. */
export const CODE_TTL_S = 10 * 60;
/** Active tokens per app per user; issuing one more revokes the oldest. */
export const MAX_ACTIVE_TOKENS_PER_APP_USER = 8;
/** New tokens per user per hour, across apps. */
export const MAX_NEW_TOKENS_PER_USER_PER_HOUR = 10;
export const TOKEN_RATE_WINDOW_S = 3600;
/** last_used_at is written at most this often per token. */
export const LAST_USED_RESOLUTION_S = 60;

export type TokenFlow = 'code' | 'token';

export function tokenLifetime(flow: TokenFlow): number {
  return flow === 'code' ? CODE_FLOW_TOKEN_TTL_S : TOKEN_FLOW_TOKEN_TTL_S;
}

/**
 * How many of a user's active tokens for an app to revoke (oldest first) before issuing one more,
 * so that at most MAX_ACTIVE_TOKENS_PER_APP_USER stay active.
 */
export function tokensToEvict(activeCount: number): number {
  return Math.max(0, activeCount - MAX_ACTIVE_TOKENS_PER_APP_USER + 1);
}

/** Seconds until a new token may be issued, or 0 when the hourly limit allows one now. */
export function rateLimitWait(createdInWindow: readonly number[], now: number): number {
  const recent = createdInWindow.filter((t) => t > now - TOKEN_RATE_WINDOW_S).sort((a, b) => a - b);
  if (recent.length < MAX_NEW_TOKENS_PER_USER_PER_HOUR) return 0;
  // the window frees a slot when the oldest of the last MAX tokens leaves it
  const oldest = recent[recent.length - MAX_NEW_TOKENS_PER_USER_PER_HOUR]!;
  return Math.max(1, Math.ceil(oldest + TOKEN_RATE_WINDOW_S - now));
}

export const TOKEN_RATE_LIMIT_MESSAGE = `Too many new OAuth tokens for this user: at most ${MAX_NEW_TOKENS_PER_USER_PER_HOUR} per hour`;

/** What issuing one more token means, given the user's recent tokens and the app's active ones. */
export type TokenIssuePlan<Id> = { kind: 'rate_limited'; retryAfter: number } | { kind: 'issue'; revoke: Id[] };

/**
 * The issuing policy: refused while the user got MAX_NEW_TOKENS_PER_USER_PER_HOUR new tokens
 * within the hour (across apps); otherwise the oldest active tokens of this app for the user beyond
 * MAX_ACTIVE_TOKENS_PER_APP_USER are revoked. `activeOldestFirst`: the app's active tokens for the user.
 */
export function planTokenIssue<Id>(createdInWindow: readonly number[], activeOldestFirst: readonly Id[], now: number): TokenIssuePlan<Id> {
  const wait = rateLimitWait(createdInWindow, now);
  if (wait > 0) return { kind: 'rate_limited', retryAfter: wait };
  return { kind: 'issue', revoke: activeOldestFirst.slice(0, tokensToEvict(activeOldestFirst.length)) };
}

// ---- secrets ----

const RANDOM_BYTES = 32;

function random(prefix: string): string {
  return `${prefix}${randomBytes(RANDOM_BYTES).toString('base64url')}`;
}

export const ACCESS_TOKEN_PREFIX = 'waka_tok_';
export const REFRESH_TOKEN_PREFIX = 'waka_ref_';
export const CLIENT_SECRET_PREFIX = 'waka_sec_';

export const generateAccessToken = (): string => random(ACCESS_TOKEN_PREFIX);
export const generateRefreshToken = (): string => random(REFRESH_TOKEN_PREFIX);
export const generateClientSecret = (): string => random(CLIENT_SECRET_PREFIX);
/** Authorization codes carry no prefix (they travel in a URL once). */
export const generateAuthorizationCode = (): string => randomBytes(RANDOM_BYTES).toString('base64url');
/** Public client ids: 24 URL-safe characters. */
export const generateClientId = (): string => randomBytes(18).toString('base64url');

export function isAccessTokenFormat(value: string): boolean {
  return value.startsWith(ACCESS_TOKEN_PREFIX) && value.length > ACCESS_TOKEN_PREFIX.length + 20;
}

/** sha256 hex: how tokens, codes and client secrets are stored. */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time equality of two strings (lengths may differ: compared as sha256 digests). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

/** Does a presented client secret match the stored hash? Constant time. */
export function secretMatches(presented: string, storedHash: string | null): boolean {
  if (!storedHash) return false;
  return safeEqual(hashSecret(presented), storedHash);
}

// ---- PKCE (RFC 7636) ----

export type PkceMethod = 'S256' | 'plain';
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Validates the authorize step's code_challenge (+ method, default plain per RFC 7636 §4.3). */
export function checkCodeChallenge(challenge: string | undefined, method: string | undefined): { ok: true; method: PkceMethod } | { ok: false; reason: string } {
  const m = method || 'plain';
  if (m !== 'S256' && m !== 'plain') return { ok: false, reason: `code_challenge_method "${m}" is not supported: use S256` };
  if (!challenge) return { ok: false, reason: 'code_challenge is missing' };
  if (!PKCE_VALUE.test(challenge)) return { ok: false, reason: 'code_challenge must be 43–128 characters of A–Z, a–z, 0–9, "-", ".", "_", "~"' };
  return { ok: true, method: m };
}

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Does the token step's code_verifier match the authorize step's challenge? Constant time. */
export function verifyPkce(verifier: string | undefined, challenge: string, method: string): boolean {
  if (!verifier || !PKCE_VALUE.test(verifier)) return false;
  const computed = method === 'S256' ? s256Challenge(verifier) : verifier;
  return safeEqual(computed, challenge);
}

// ---- redirect URIs ----

export const MAX_REDIRECT_URIS = 10;

/**
 * Why a redirect URI is not acceptable, or null when it is: an absolute http(s) URL, or a custom
 * scheme (`myapp://callback`, `com.example.app:/cb`) for native apps; never a fragment.
 */
export function redirectUriProblem(uri: string): string | null {
  if (uri.length > 2000) return 'is longer than 2000 characters';
  if (/\s/.test(uri)) return 'contains whitespace';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URL';
  }
  if (uri.includes('#')) return 'must not contain a fragment (#…)';
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    if (!url.hostname) return 'has no host';
    return null;
  }
  if (['javascript', 'data', 'file', 'vbscript', 'blob', 'about', 'ftp', 'ws', 'wss', 'mailto'].includes(scheme)) return `uses the "${scheme}:" scheme`;
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return 'has an invalid scheme';
  return null;
}

/** Validates an app's list of redirect URIs: 1–10, each acceptable, no duplicates. */
export function redirectUrisProblem(uris: readonly string[]): string | null {
  if (uris.length < 1) return 'give at least one redirect URI';
  if (uris.length > MAX_REDIRECT_URIS) return `at most ${MAX_REDIRECT_URIS} redirect URIs`;
  for (const u of uris) {
    const p = redirectUriProblem(u);
    if (p) return `"${u}" ${p}`;
  }
  if (new Set(uris).size !== uris.length) return 'the list has duplicates';
  return null;
}

/**
 * The redirect URI of an authorize request: the given one if it exactly matches a registered one;
 * the only registered one when none is given; otherwise null.
 */
export function chooseRedirectUri(registered: readonly string[], given: string | undefined): string | null {
  if (given) return registered.includes(given) ? given : null;
  return registered.length === 1 ? registered[0]! : null;
}

/** Adds parameters to a redirect URI's query (code flow, errors) or fragment (token flow). */
export function redirectWith(uri: string, params: Record<string, string | undefined>, where: 'query' | 'fragment'): string {
  const pairs = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  const encoded = new URLSearchParams(pairs).toString();
  if (where === 'fragment') return `${uri}#${encoded}`;
  const q = uri.indexOf('?');
  if (q === -1) return `${uri}?${encoded}`;
  return uri.endsWith('?') || uri.endsWith('&') ? `${uri}${encoded}` : `${uri}&${encoded}`;
}

// ---- the authorize request ----

export interface AuthorizeParams {
  client_id?: string;
  response_type?: string;
  redirect_uri?: string;
  scope?: string;
  state?: string;
  force_approve?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

export type ResponseType = 'code' | 'token';

export interface AuthorizeRequest {
  responseType: ResponseType;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  forceApprove: boolean;
  codeChallenge: string | null;
  codeChallengeMethod: PkceMethod | null;
}

export type AuthorizeCheck =
  /** Before the redirect URI is known good: answer 400 here, never redirect. */
  | { kind: 'fatal'; field: 'client_id' | 'redirect_uri'; message: string }
  /** After: send the user agent back to the app with an RFC 6749 error. */
  | { kind: 'redirect_error'; redirectUri: string; where: 'query' | 'fragment'; error: string; description: string; state: string | undefined }
  | { kind: 'ok'; request: AuthorizeRequest };

export function isTruthy(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
}

/**
 * Checks an authorize request against its app (null when client_id names no app), in RFC 6749
 * order: client and redirect URI first (errors shown here), then everything else (errors sent back
 * to the redirect URI with the state).
 */
export function checkAuthorizeRequest(app: { redirectUris: readonly string[]; isPublic: boolean } | null, p: AuthorizeParams): AuthorizeCheck {
  if (!p.client_id) return { kind: 'fatal', field: 'client_id', message: 'client_id is missing' };
  if (!app) return { kind: 'fatal', field: 'client_id', message: 'no app has this client_id' };
  const redirectUri = chooseRedirectUri(app.redirectUris, p.redirect_uri);
  if (!redirectUri) {
    return {
      kind: 'fatal',
      field: 'redirect_uri',
      message: p.redirect_uri ? 'redirect_uri is not one of the redirect URIs registered for this app' : 'redirect_uri is missing (the app has several)',
    };
  }
  const state = p.state;
  const fail = (error: string, description: string, where: 'query' | 'fragment' = 'query'): AuthorizeCheck => ({ kind: 'redirect_error', redirectUri, where, error, description, state });
  if (!p.response_type) return fail('invalid_request', 'response_type is missing: use code or token');
  if (p.response_type !== 'code' && p.response_type !== 'token') return fail('unsupported_response_type', `response_type "${p.response_type}" is not supported: use code or token`);
  const responseType: ResponseType = p.response_type;
  const where = responseType === 'token' ? 'fragment' : 'query';
  const parsed = parseScopes(p.scope);
  if (!parsed.ok) return fail('invalid_scope', `unknown scope: ${parsed.unknown.join(', ')}`, where);
  let codeChallenge: string | null = null;
  let codeChallengeMethod: PkceMethod | null = null;
  if (responseType === 'code') {
    if (p.code_challenge || p.code_challenge_method) {
      const c = checkCodeChallenge(p.code_challenge, p.code_challenge_method);
      if (!c.ok) return fail('invalid_request', c.reason);
      codeChallenge = p.code_challenge!;
      codeChallengeMethod = c.method;
    } else if (app.isPublic) {
      return fail('invalid_request', 'PKCE is required for this app: send code_challenge and code_challenge_method=S256');
    }
  } else if (p.code_challenge) {
    return fail('invalid_request', 'code_challenge goes with response_type=code', where);
  }
  return {
    kind: 'ok',
    request: { responseType, redirectUri, scopes: parsed.scopes, state, forceApprove: isTruthy(p.force_approve), codeChallenge, codeChallengeMethod },
  };
}

/** The RFC 6749 §5.2 error codes the provider answers with. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'invalid_scope' | 'unsupported_grant_type' | 'access_denied';

/** A failure of the OAuth protocol, with its RFC 6749 code (routes/oauth.ts: invalid_client → 401, the rest → 400). */
export class OAuthProtocolError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    description: string,
  ) {
    super(description);
    this.name = 'OAuthProtocolError';
  }
}
