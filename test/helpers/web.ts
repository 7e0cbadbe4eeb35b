/** Logging a browser in through the web API (docs/WEB_AND_OAUTH.md), for tests that need a session. */
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/app.js';

/** `name=value` pairs of a response's Set-Cookie headers. */
export function setCookies(res: LightMyRequestResponse): Record<string, string> {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const out: Record<string, string> = {};
  for (const c of list) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    out[pair!.slice(0, i)] = decodeURIComponent(pair!.slice(i + 1));
  }
  return out;
}

export function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

/** A fresh browser: its CSRF cookie and token. */
export async function webVisit(app: App): Promise<{ cookies: Record<string, string>; csrf: string }> {
  const res = await app.inject({ method: 'GET', url: '/api/web/session' });
  if (res.statusCode !== 200) throw new Error(`GET /api/web/session answered ${res.statusCode}: ${res.body}`);
  return { cookies: setCookies(res), csrf: res.json().data.csrf_token };
}

/** Logs in; `cookie` is a ready Cookie header (session + CSRF cookies), `csrf` the token to send. */
export async function webLogin(app: App, login: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const visit = await webVisit(app);
  const res = await app.inject({
    method: 'POST',
    url: '/api/web/login',
    headers: { cookie: cookieHeader(visit.cookies), 'x-csrf-token': visit.csrf },
    payload: { login, password },
  });
  if (res.statusCode !== 200) throw new Error(`login answered ${res.statusCode}: ${res.body}`);
  const cookies = { ...visit.cookies, ...setCookies(res) };
  return { cookie: cookieHeader(cookies), csrf: res.json().data.csrf_token };
}
