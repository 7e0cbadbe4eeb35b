/** Accounts on the web: sessions, CSRF, sign-up, throttled login, logout (docs/WEB_AND_OAUTH.md). */
import { describe, expect, it } from 'vitest';
import { MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_LOGIN, stricter, throttle } from '../../src/domain/throttle.js';
import { loadConfig, trustProxySetting } from '../../src/config.js';
import { describeEachDatabase, uniqueName } from '../helpers/harness.js';
import { cookieHeader, setCookies, webLogin, webVisit } from '../helpers/web.js';

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

  it('counts concurrent wrong passwords atomically: 100 at once for one account, at most 5 are checked, the rest 429', async () => {
    const { user } = await t.createUser({ password: PASSWORD });
    const visit = await webVisit(t.app);
    const headers = { cookie: cookieHeader(visit.cookies), 'x-csrf-token': visit.csrf };
    const attempt = (login: string, password: string, remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/api/web/login', headers, remoteAddress, payload: { login, password } });
    // from 100 addresses (the per-address limit is not what stops them)
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => attempt(user.username, `wrong ${i}`, `198.51.100.${i + 1}`)));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length).toBe(MAX_FAILURES_PER_LOGIN);
    expect(codes.filter((c) => c === 429).length).toBe(100 - MAX_FAILURES_PER_LOGIN);
    expect((await attempt(user.username, PASSWORD, '198.51.100.200')).statusCode).toBe(429);

    // an unknown name is limited the same way (by its lowercased self)
    const nobody = uniqueName('Nobody');
    const unknown = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(i % 2 ? nobody : nobody.toLowerCase(), `wrong ${i}`, `198.51.101.${i + 1}`)));
    expect(unknown.filter((r) => r.statusCode === 401).length).toBe(MAX_FAILURES_PER_LOGIN);
  });

  it('counts failures per account whether the login names the username or the e-mail address', async () => {
    const email = `${uniqueName('both')}@example.com`;
    const { user } = await t.createUser({ password: PASSWORD, email });
    const visit = await webVisit(t.app);
    const headers = { cookie: cookieHeader(visit.cookies), 'x-csrf-token': visit.csrf };
    const attempt = (login: string, password: string) =>
      t.app.inject({ method: 'POST', url: '/api/web/login', headers, remoteAddress: '203.0.113.7', payload: { login, password } });
    for (let i = 0; i < MAX_FAILURES_PER_LOGIN; i++) {
      const res = await attempt(i % 2 ? user.username : email.toUpperCase(), `wrong ${i}`);
      expect(res.statusCode).toBe(401);
    }
    expect((await attempt(user.username, PASSWORD)).statusCode).toBe(429);
    expect((await attempt(email, PASSWORD)).statusCode).toBe(429);
  });

  it('limits one address across names, concurrently too', async () => {
    const visit = await webVisit(t.app);
    const headers = { cookie: cookieHeader(visit.cookies), 'x-csrf-token': visit.csrf };
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.app.inject({ method: 'POST', url: '/api/web/login', headers, remoteAddress: '203.0.113.99', payload: { login: uniqueName(`n${i}`), password: 'wrong password' } }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 401).length).toBe(MAX_FAILURES_PER_ADDRESS);
    expect(results.filter((r) => r.statusCode === 429).length).toBe(60 - MAX_FAILURES_PER_ADDRESS);
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

describe('TRUST_PROXY', () => {
  it('accepts true/false, a number of hops or proxy addresses, and stops the server on anything else', () => {
    expect(trustProxySetting(undefined)).toBe(false);
    expect(trustProxySetting('false')).toBe(false);
    const one = trustProxySetting('true') as (a: string, i: number) => boolean;
    expect([one('10.0.0.1', 0), one('10.0.0.2', 1)]).toEqual([true, false]);
    const two = trustProxySetting('2') as (a: string, i: number) => boolean;
    expect([two('x', 0), two('x', 1), two('x', 2)]).toEqual([true, true, false]);
    expect(trustProxySetting(' 10.0.0.1, 192.168.0.0/16 ,loopback,::1')).toBe('10.0.0.1,192.168.0.0/16,loopback,::1');
    for (const bad of ['maybe', '10.0.0.1/33', '10.0.0.300', '101', 'example.com']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });
});

describeEachDatabase(
  'login throttling behind a reverse proxy (TRUST_PROXY=true)',
  (t) => {
    it('counts the address the proxy saw, not one the client wrote into X-Forwarded-For', async () => {
      const visit = await webVisit(t.app);
      const attempt = (forwardedFor: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/web/login',
          remoteAddress: '10.0.0.1',
          headers: { cookie: cookieHeader(visit.cookies), 'x-csrf-token': visit.csrf, 'x-forwarded-for': forwardedFor },
          payload: { login: uniqueName('px'), password: 'wrong password' },
        });
      // the proxy appends the real client (192.0.2.10); the client spoofs a new address each time before it
      const results = [];
      for (let i = 0; i < MAX_FAILURES_PER_ADDRESS + 3; i++) results.push((await attempt(`203.0.113.${i + 1}, 192.0.2.10`)).statusCode);
      expect(results.slice(0, MAX_FAILURES_PER_ADDRESS)).toEqual(Array(MAX_FAILURES_PER_ADDRESS).fill(401));
      expect(results.slice(MAX_FAILURES_PER_ADDRESS)).toEqual([429, 429, 429]);
      // another client behind the same proxy is not locked out
      expect((await attempt('203.0.113.1, 192.0.2.11')).statusCode).toBe(401);
      // failures were recorded under the proxy-seen addresses only
      const rows = await t.storage.db.selectFrom('login_failures').select('key').where('key', 'like', 'ip:%').execute();
      expect(new Set(rows.map((r) => r.key))).toEqual(new Set(['ip:192.0.2.10', 'ip:192.0.2.11']));
    });
  },
  { env: { TRUST_PROXY: 'true' } },
);
