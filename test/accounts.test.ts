/** Accounts on the web: sessions, CSRF, sign-up, throttled login, logout (docs/WEB_AND_OAUTH.md). */
import { describe, expect, it } from 'vitest';
import { MAX_FAILURES_PER_LOGIN, stricter, throttle } from '../src/domain/throttle.js';
import { describeEachDatabase, uniqueName } from './helpers/harness.js';
import { cookieHeader, setCookies, webLogin, webVisit } from './helpers/web.js';

describe('login throttling rule', () => {
  it('locks after the limit within the window and unlocks when the oldest counted failure leaves it', () => {
    const now = 10_000;
    expect(throttle([now - 10, now - 20], 3, now)).toEqual({ allowed: true, retryAfter: 0 });
    const locked = throttle([now - 10, now - 20, now - 30], 3, now, 900);
    expect(locked).toEqual({ allowed: false, retryAfter: 870 });
    // failures older than the window do not count
    expect(throttle([now - 1000, now - 20, now - 30], 3, now, 900).allowed).toBe(true);
    expect(stricter({ allowed: true, retryAfter: 0 }, locked)).toEqual(locked);
    expect(stricter({ allowed: false, retryAfter: 5 }, locked).retryAfter).toBe(870);
  });
});

const PASSWORD = 'correct horse battery';

describeEachDatabase('web accounts', (t) => {
  it('starts with no user, a CSRF token in an HttpOnly cookie, and the instance settings', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/web/session' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const data = res.json().data;
    expect(data).toMatchObject({ user: null, signup_open: true, base_url: 'http://metronome.test', api_url: 'http://metronome.test/api/v1' });
    expect(data.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const raw = String(res.headers['set-cookie']);
    expect(raw).toContain(`metronome_csrf=${data.csrf_token}`);
    expect(raw).toMatch(/HttpOnly/);
    expect(raw).toMatch(/SameSite=Lax/);
  });

  it('signs up, is logged in at once, and refuses a taken name or a short password naming the field', async () => {
    const visit = await webVisit(t.app);
    const username = uniqueName('web');
    const headers = { cookie: cookieHeader(visit.cookies), 'x-csrf-token': visit.csrf };
    const res = await t.app.inject({ method: 'POST', url: '/api/web/signup', headers, payload: { username, email: `${username}@example.com`, password: PASSWORD } });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.user).toMatchObject({ username, email: `${username}@example.com` });
    const cookies = { ...visit.cookies, ...setCookies(res) };
    expect(cookies.metronome_session).toBeTruthy();
    // the CSRF token changes at login: the old one no longer works
    const csrf = res.json().data.csrf_token;
    expect(csrf).not.toBe(visit.csrf);
    expect(String(res.headers['set-cookie'])).toMatch(/metronome_session=[^;]+;.*HttpOnly/);

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { cookie: cookieHeader(cookies) } });
    expect(me.statusCode).toBe(200);
    expect(me.json().data.username).toBe(username);
    // a web sign-up makes no API key: the user creates named keys on the API keys page
    const keys = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/api_keys', headers: { cookie: cookieHeader(cookies) } });
    expect(keys.json().data).toEqual([]);

    const again = await t.app.inject({ method: 'POST', url: '/api/web/signup', headers, payload: { username, password: PASSWORD } });
    expect(again.statusCode).toBe(409);
    expect(again.json().errors.username).toBeDefined();
    const short = await t.app.inject({ method: 'POST', url: '/api/web/signup', headers, payload: { username: uniqueName('web'), password: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors.password).toBeDefined();
  });

  it('requires the CSRF token for login, sign-up, logout and every session-authenticated change', async () => {
    const { user } = await t.createUser({ password: PASSWORD });
    const visit = await webVisit(t.app);
    for (const [url, payload] of [
      ['/api/web/login', { login: user.username, password: PASSWORD }],
      ['/api/web/signup', { username: uniqueName('web'), password: PASSWORD }],
      ['/api/web/logout', {}],
    ] as const) {
      const none = await t.app.inject({ method: 'POST', url, headers: { cookie: cookieHeader(visit.cookies) }, payload });
      expect(none.statusCode, url).toBe(403);
      expect(none.json().error).toMatch(/CSRF/);
      const wrong = await t.app.inject({ method: 'POST', url, headers: { cookie: cookieHeader(visit.cookies), 'x-csrf-token': 'x'.repeat(43) }, payload });
      expect(wrong.statusCode, url).toBe(403);
    }
    const session = await webLogin(t.app, user.username, PASSWORD);
    // a cross-site form post carries the cookies but cannot know the token
    const patch = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: { cookie: session.cookie }, payload: { timeout: 30 } });
    expect(patch.statusCode).toBe(403);
    const key = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/api_keys', headers: { cookie: session.cookie }, payload: { name: 'evil' } });
    expect(key.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, payload: { timeout: 30 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.timeout).toBe(30);
    // reads need no token
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { cookie: session.cookie } });
    expect(read.json().data.timeout).toBe(30);
  });

  it('logs in by username or email, logs out, and the old session cookie stops working', async () => {
    const email = `${uniqueName('m')}@example.com`;
    const { user } = await t.createUser({ password: PASSWORD, email });
    const byEmail = await webLogin(t.app, email.toUpperCase(), PASSWORD);
    const session = await webLogin(t.app, user.username, PASSWORD);
    const me = await t.app.inject({ method: 'GET', url: '/api/web/session', headers: { cookie: session.cookie } });
    expect(me.json().data.user.username).toBe(user.username);
    expect(me.json().data.csrf_token).toBe(session.csrf);
    const out = await t.app.inject({ method: 'POST', url: '/api/web/logout', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/metronome_session=;/);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { cookie: session.cookie } });
    expect(after.statusCode).toBe(401);
    // the other session lives on
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: { cookie: byEmail.cookie } });
    expect(other.statusCode).toBe(200);
  });

  it('throttles repeated failed logins for a name, even with the right password, with Retry-After', async () => {
    const { user } = await t.createUser({ password: PASSWORD });
    const visit = await webVisit(t.app);
    const headers = { cookie: cookieHeader(visit.cookies), 'x-csrf-token': visit.csrf };
    for (let i = 0; i < MAX_FAILURES_PER_LOGIN; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/web/login', headers, payload: { login: user.username, password: `wrong ${i}` } });
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toMatch(/Wrong/);
    }
    const locked = await t.app.inject({ method: 'POST', url: '/api/web/login', headers, payload: { login: user.username, password: PASSWORD } });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    expect(locked.json().error).toMatch(/Too many failed logins/);
    // another account is not locked by this one's failures
    const { user: other } = await t.createUser({ password: PASSWORD });
    await expect(webLogin(t.app, other.username, PASSWORD)).resolves.toHaveProperty('cookie');
    // an unknown name fails the same way as a wrong password
    const unknown = await t.app.inject({ method: 'POST', url: '/api/web/login', headers, payload: { login: uniqueName('nobody'), password: PASSWORD } });
    expect(unknown.statusCode).toBe(401);
  });

  it('a user without a password (made by the CLI) cannot log in on the web', async () => {
    const { user } = await t.createUser();
    const visit = await webVisit(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/api/web/login', headers: { cookie: cookieHeader(visit.cookies), 'x-csrf-token': visit.csrf }, payload: { login: user.username, password: PASSWORD } });
    expect(res.statusCode).toBe(401);
  });
});

describeEachDatabase(
  'web accounts with sign-up closed',
  (t) => {
    it('refuses sign-up with 403 and says so in the session', async () => {
      const visit = await webVisit(t.app);
      const session = await t.app.inject({ method: 'GET', url: '/api/web/session' });
      expect(session.json().data.signup_open).toBe(false);
      const res = await t.app.inject({ method: 'POST', url: '/api/web/signup', headers: { cookie: cookieHeader(visit.cookies), 'x-csrf-token': visit.csrf }, payload: { username: uniqueName('web'), password: PASSWORD } });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatch(/Sign-up is closed/);
    });
  },
  { env: { ALLOW_SIGNUP: 'false' } },
);
