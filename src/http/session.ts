/**
 * Browser sessions and CSRF protection (docs/WEB_AND_OAUTH.md).
 *
 * - `metronome_session`: an opaque random id (stored as sha256), HttpOnly, SameSite=Lax, Secure on
 *   https, 30 days sliding. `sessionResolver` is given to the auth plugin by src/app.ts, so a logged-in
 *   browser authenticates every /api/v1 route with every scope (`via: 'session'`).
 * - `metronome_csrf`: a random token, HttpOnly; the page learns it from GET /api/web/session and
 *   sends it back as `X-CSRF-Token` (or a `csrf_token` form field). Every state-changing request
 *   authenticated by the session cookie, and every login, sign-up and logout, must carry it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Storage } from '../storage/db.js';
import { deleteSession, findSession, insertSession, touchSession } from '../storage/sessions.js';
import type { UserRow } from '../storage/users.js';
import type { AmbientResolver, Auth } from './auth.js';
import { HttpError } from './errors.js';

export const SESSION_COOKIE = 'metronome_session';
export const CSRF_COOKIE = 'metronome_csrf';
export const SESSION_SECONDS = 30 * 24 * 3600;
/** A session's expiry is pushed forward at most this often (one write per hour of use). */
const TOUCH_EVERY_SECONDS = 3600;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

function cookieOptions(config: Config, maxAge: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.baseUrl.startsWith('https:'), maxAge };
}

/** A cookie of the request (undefined when absent). */
export function cookie(request: FastifyRequest, name: string): string | undefined {
  const v = request.cookies?.[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The CSRF token of this browser: the cookie's, or a new one set on the reply. */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply, config: Config): string {
  const existing = cookie(request, CSRF_COOKIE);
  if (existing) return existing;
  return rotateCsrf(reply, config);
}

/** A new CSRF token (after login, so a token planted before it is worthless). */
export function rotateCsrf(reply: FastifyReply, config: Config): string {
  const token = randomToken();
  reply.setCookie(CSRF_COOKIE, token, cookieOptions(config, SESSION_SECONDS));
  return token;
}

/** What the request sent as its CSRF token: the X-CSRF-Token header, or a csrf_token field of an HTML form. */
function sentCsrf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const field = (request.body as Record<string, unknown> | null | undefined)?.csrf_token;
  return typeof field === 'string' ? field : undefined;
}

/** Throws 403 unless the request proves it comes from our own pages (header or form field = cookie). */
export function verifyCsrf(request: FastifyRequest, provided?: string): void {
  const expected = cookie(request, CSRF_COOKIE);
  const sent = provided ?? sentCsrf(request);
  if (!expected || !sent || !sameSecret(expected, sent)) {
    throw new HttpError(403, 'CSRF token missing or invalid: reload the page and try again');
  }
}

/** Logs the browser in as `user`: a new session cookie and a new CSRF token (returned). */
export async function startSession(storage: Storage, config: Config, request: FastifyRequest, reply: FastifyReply, user: UserRow): Promise<string> {
  const token = randomToken();
  const now = Date.now() / 1000;
  const ua = request.headers['user-agent'];
  await insertSession(storage.db, {
    token,
    userId: user.id,
    now,
    expiresAt: now + SESSION_SECONDS,
    ip: request.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 1024) : null,
  });
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(config, SESSION_SECONDS));
  return rotateCsrf(reply, config);
}

export async function endSession(storage: Storage, config: Config, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = cookie(request, SESSION_COOKIE);
  if (token) await deleteSession(storage.db, token);
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.baseUrl.startsWith('https:') });
}

/** The ambient resolver: a session cookie authenticates, and unsafe methods must prove CSRF. */
async function sessionAuth(storage: Storage, request: FastifyRequest): Promise<Auth | null> {
  const token = cookie(request, SESSION_COOKIE);
  if (!token) return null;
  const now = Date.now() / 1000;
  const found = await findSession(storage.db, token, now);
  if (!found) return null;
  if (!SAFE_METHODS.has(request.method)) verifyCsrf(request);
  if (now - found.session.last_seen_at > TOUCH_EVERY_SECONDS) {
    await touchSession(storage.db, found.session.id, now, now + SESSION_SECONDS);
  }
  return { user: found.user, scopes: 'all', via: 'session', credentialId: found.session.id };
}

/** The browser session cookie as a credential (for the auth plugin). */
export const sessionResolver = (storage: Storage): AmbientResolver => (request) => sessionAuth(storage, request);
