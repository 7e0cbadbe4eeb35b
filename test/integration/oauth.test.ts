/**
 * The OAuth 2.0 provider (docs/WEB_AND_OAUTH.md, the reference's OAuth section, RFC 6749/7009/7636):
 * pure rules, then the flows through app.inject on both databases.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import {
  checkAuthorizeRequest,
  formatScopes,
  generateAccessToken,
  generateClientSecret,
  generateRefreshToken,
  hashSecret,
  MAX_ACTIVE_TOKENS_PER_APP_USER,
  parseScopes,
  rateLimitWait,
  redirectUriProblem,
  redirectUrisProblem,
  redirectWith,
  s256Challenge,
  safeEqual,
  SCOPES,
  scopesCover,
  secretMatches,
  tokensToEvict,
  verifyPkce,
} from '../../src/domain/oauth.js';
import { listUserAppTokens, setTokenExpiry } from '../../src/storage/oauth.js';
import { describeEachDatabase, uniqueName, type TestContext } from '../helpers/harness.js';
import { webLogin } from '../helpers/web.js';

// RFC 7636 Appendix B
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('OAuth rules', () => {
  it('knows every scope of the reference, each with plain words', () => {
    const dims = ['categories', 'dependencies', 'editors', 'languages', 'machines', 'operating_systems', 'projects'];
    const expected = [
      'read_summaries',
      ...dims.map((d) => `read_summaries.${d}`),
      'read_stats',
      'read_stats.best_day',
      ...dims.map((d) => `read_stats.${d}`),
      'read_goals',
      'read_orgs',
      'write_orgs',
      'read_private_leaderboards',
      'write_private_leaderboards',
      'read_heartbeats',
      'write_heartbeats',
      'email',
    ];
    expect(SCOPES.map((s) => s.name).sort()).toEqual(expected.sort());
    for (const s of SCOPES) expect(s.description.length).toBeGreaterThan(10);
    expect(SCOPES.find((s) => s.name === 'read_stats.languages')!.description).toMatch(/programming languages/);
  });

  it('parses comma- or space-separated scope lists and rejects unknown ones', () => {
    expect(parseScopes('email,read_stats.languages')).toEqual({ ok: true, scopes: ['read_stats.languages', 'email'] });
    expect(parseScopes('email read_stats.languages  email')).toEqual({ ok: true, scopes: ['read_stats.languages', 'email'] });
    expect(parseScopes(', read_heartbeats ,write_heartbeats')).toEqual({ ok: true, scopes: ['read_heartbeats', 'write_heartbeats'] });
    expect(parseScopes('')).toEqual({ ok: true, scopes: [] });
    expect(parseScopes(undefined)).toEqual({ ok: true, scopes: [] });
    expect(parseScopes('email,read_everything,admin')).toEqual({ ok: false, unknown: ['read_everything', 'admin'] });
    expect(formatScopes(['email', 'read_heartbeats'])).toBe('read_heartbeats,email');
  });

  it('lets a parent scope cover its sub-scopes, not the other way round', () => {
    expect(scopesCover(['read_stats'], ['read_stats.languages', 'read_stats.best_day'])).toBe(true);
    expect(scopesCover(['read_stats.languages'], ['read_stats'])).toBe(false);
    expect(scopesCover(['email', 'read_heartbeats'], ['email'])).toBe(true);
    expect(scopesCover(['email'], ['email', 'read_goals'])).toBe(false);
    expect(scopesCover([], [])).toBe(true);
  });

  it('verifies PKCE S256 (RFC 7636 Appendix B) and plain', () => {
    expect(s256Challenge(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
    expect(verifyPkce(RFC_VERIFIER, RFC_CHALLENGE, 'S256')).toBe(true);
    expect(verifyPkce(`${RFC_VERIFIER.slice(0, -1)}A`, RFC_CHALLENGE, 'S256')).toBe(false);
    expect(verifyPkce(undefined, RFC_CHALLENGE, 'S256')).toBe(false);
    expect(verifyPkce('short', 'short', 'plain')).toBe(false);
    expect(verifyPkce(RFC_VERIFIER, RFC_VERIFIER, 'plain')).toBe(true);
  });

  it('generates prefixed random secrets, stores them as sha256 hex and compares in constant time', () => {
    const tok = generateAccessToken();
    expect(tok).toMatch(/^waka_tok_[A-Za-z0-9_-]{43}$/);
    expect(generateRefreshToken()).toMatch(/^waka_ref_[A-Za-z0-9_-]{43}$/);
    const sec = generateClientSecret();
    expect(sec).toMatch(/^waka_sec_[A-Za-z0-9_-]{43}$/);
    expect(generateAccessToken()).not.toBe(tok);
    expect(hashSecret(tok)).toBe(createHash('sha256').update(tok).digest('hex'));
    expect(secretMatches(sec, hashSecret(sec))).toBe(true);
    expect(secretMatches(`${sec}x`, hashSecret(sec))).toBe(false);
    expect(secretMatches(sec, null)).toBe(false);
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });

  it('validates redirect URIs: http(s) or custom schemes, no fragments, 1–10', () => {
    expect(redirectUriProblem('https://app.example.com/cb')).toBeNull();
    expect(redirectUriProblem('http://127.0.0.1:8080/cb?x=1')).toBeNull();
    expect(redirectUriProblem('myapp://cb')).toBeNull();
    expect(redirectUriProblem('com.example.app:/oauth')).toBeNull();
    expect(redirectUriProblem('/relative/cb')).toMatch(/absolute/);
    expect(redirectUriProblem('https://app.example.com/cb#frag')).toMatch(/fragment/);
    expect(redirectUriProblem('javascript:alert(1)')).toMatch(/javascript/);
    expect(redirectUrisProblem([])).toMatch(/at least one/);
    expect(redirectUrisProblem(Array.from({ length: 11 }, (_, i) => `https://a.example/${i}`))).toMatch(/at most 10/);
    expect(redirectUrisProblem(['https://a.example/cb', 'https://a.example/cb'])).toMatch(/duplicates/);
    expect(redirectWith('https://a.example/cb?x=1', { code: 'c d', state: 's' }, 'query')).toBe('https://a.example/cb?x=1&code=c+d&state=s');
    expect(redirectWith('myapp://cb', { access_token: 't', state: undefined }, 'fragment')).toBe('myapp://cb#access_token=t');
  });

  it('checks authorize requests in RFC order: client and redirect URI first, then the rest by redirect', () => {
    const app = { redirectUris: ['https://a.example/cb'], isPublic: false };
    expect(checkAuthorizeRequest(null, { client_id: 'x' })).toMatchObject({ kind: 'fatal', field: 'client_id' });
    expect(checkAuthorizeRequest(app, { client_id: 'x', redirect_uri: 'https://evil.example/cb' })).toMatchObject({ kind: 'fatal', field: 'redirect_uri' });
    expect(checkAuthorizeRequest({ ...app, redirectUris: ['https://a.example/1', 'https://a.example/2'] }, { client_id: 'x', response_type: 'code' })).toMatchObject({ kind: 'fatal', field: 'redirect_uri' });
    expect(checkAuthorizeRequest(app, { client_id: 'x', response_type: 'id_token', state: 's' })).toMatchObject({ kind: 'redirect_error', error: 'unsupported_response_type', state: 's' });
    expect(checkAuthorizeRequest(app, { client_id: 'x', response_type: 'token', scope: 'nope' })).toMatchObject({ kind: 'redirect_error', error: 'invalid_scope', where: 'fragment' });
    expect(checkAuthorizeRequest({ ...app, isPublic: true }, { client_id: 'x', response_type: 'code' })).toMatchObject({ kind: 'redirect_error', error: 'invalid_request' });
    expect(checkAuthorizeRequest(app, { client_id: 'x', response_type: 'code', code_challenge: RFC_CHALLENGE, code_challenge_method: 'S512' })).toMatchObject({ kind: 'redirect_error', error: 'invalid_request' });
    const ok = checkAuthorizeRequest({ ...app, isPublic: true }, { client_id: 'x', response_type: 'code', scope: 'email', code_challenge: RFC_CHALLENGE, code_challenge_method: 'S256', force_approve: 'true' });
    expect(ok).toEqual({
      kind: 'ok',
      request: { responseType: 'code', redirectUri: 'https://a.example/cb', scopes: ['email'], state: undefined, forceApprove: true, codeChallenge: RFC_CHALLENGE, codeChallengeMethod: 'S256' },
    });
  });

  it('keeps 8 active tokens per app and user, and 10 new ones per hour', () => {
    expect(tokensToEvict(MAX_ACTIVE_TOKENS_PER_APP_USER - 1)).toBe(0);
    expect(tokensToEvict(MAX_ACTIVE_TOKENS_PER_APP_USER)).toBe(1);
    expect(tokensToEvict(12)).toBe(5);
    const now = 100_000;
    expect(rateLimitWait([now - 10, now - 20], now)).toBe(0);
    const ten = Array.from({ length: 10 }, (_, i) => now - 3000 + i);
    expect(rateLimitWait(ten, now)).toBe(600);
    expect(rateLimitWait([now - 4000, ...ten.slice(1)], now)).toBe(0);
  });
});

// ------------------------------------------------------------------ through the HTTP API

const PASSWORD = 'correct horse battery';
const REDIRECT = 'https://client.example/callback';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Browser {
  cookie: string;
  csrf: string;
  userId: number;
  uuid: string;
  username: string;
}
interface RegisteredApp {
  id: string;
  client_id: string;
  client_secret: string | null;
}

function form(values: Record<string, string | undefined>): string {
  return new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined)).toString();
}

function unescapeHtml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The consent form's hidden fields. */
function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) out[unescapeHtml(m[1]!)] = unescapeHtml(m[2]!);
  return out;
}

function location(res: LightMyRequestResponse): URL {
  expect(res.statusCode, res.body).toBe(302);
  return new URL(String(res.headers.location), 'http://metronome.test');
}

describeEachDatabase('OAuth 2.0 provider', (t: TestContext) => {
  async function owner(): Promise<{ apiKey: string }> {
    const { apiKey } = await t.createUser();
    return { apiKey };
  }

  async function registerApp(apiKey: string, body: Record<string, unknown> = {}): Promise<RegisteredApp> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/current/oauth_apps',
      headers: t.auth(apiKey),
      payload: { name: 'Test App', redirect_uris: [REDIRECT], ...body },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data;
  }

  async function browser(): Promise<Browser> {
    const username = uniqueName('oa');
    const { user } = await t.createUser({ username, password: PASSWORD });
    const { cookie, csrf } = await webLogin(t.app, username, PASSWORD);
    return { cookie, csrf, userId: user.id, uuid: user.uuid, username };
  }

  function authorizeGet(b: Browser | null, params: Record<string, string | undefined>, headers: Record<string, string> = {}) {
    return t.app.inject({ method: 'GET', url: `/oauth/authorize?${form(params)}`, headers: { ...(b ? { cookie: b.cookie } : {}), ...headers } });
  }

  function consentPost(b: Browser, fields: Record<string, string | undefined>) {
    return t.app.inject({ method: 'POST', url: '/oauth/authorize', headers: { ...FORM, cookie: b.cookie }, payload: form(fields) });
  }

  /** authorize → consent page → Approve → the redirect back to the app (at once when already granted). */
  async function approve(b: Browser, params: Record<string, string | undefined>): Promise<URL> {
    const page = await authorizeGet(b, params);
    if (page.statusCode === 302) return location(page);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const fields = hiddenFields(page.body);
    expect(fields.csrf_token).toBe(b.csrf);
    return location(await consentPost(b, { ...fields, decision: 'approve' }));
  }

  function token(body: Record<string, string | undefined>, headers: Record<string, string> = {}) {
    return t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, ...headers }, payload: form(body) });
  }

  function revoke(body: Record<string, unknown>) {
    return t.app.inject({ method: 'POST', url: '/oauth/revoke', payload: body });
  }

  async function codeFor(b: Browser, app: RegisteredApp, extra: Record<string, string> = {}): Promise<string> {
    const state = uniqueName('st');
    const back = await approve(b, { client_id: app.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'read_stats,email', state, ...extra });
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe(state);
    return back.searchParams.get('code')!;
  }

  async function tokensFor(b: Browser, app: RegisteredApp): Promise<{ access_token: string; refresh_token: string }> {
    const code = await codeFor(b, app);
    const res = await token({ grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret!, redirect_uri: REDIRECT });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  function me(headers: Record<string, string>, query = '') {
    return t.app.inject({ method: 'GET', url: `/api/v1/users/current${query}`, headers });
  }
  const bearer = (tok: string) => ({ authorization: `Bearer ${tok}` });

  it('runs the whole code flow: consent, code, token (JSON and form), API calls three ways, refresh', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    expect(app.client_secret).toMatch(/^waka_sec_/);
    const b = await browser();

    const state = 'xyz-123';
    const page = await authorizeGet(b, { client_id: app.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'email,read_stats.languages', state });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('Test App');
    expect(page.body).toContain('Read your stats, limited to your programming languages');
    expect(page.body).toContain('See your private email address');
    expect(page.body).toMatch(/<form method="post" action="\/oauth\/authorize">/);
    expect(page.body).toMatch(/value="approve"/);
    expect(page.body).toMatch(/value="deny"/);
    expect(page.body).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    const fields = hiddenFields(page.body);
    expect(fields).toMatchObject({ client_id: app.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'read_stats.languages email', state, csrf_token: b.csrf });

    const back = location(await consentPost(b, { ...fields, decision: 'approve' }));
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe(state);
    const code = back.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // the reference's rauth example asks for a form-urlencoded answer
    const res = await token(
      { grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret!, redirect_uri: REDIRECT },
      { accept: 'application/x-www-form-urlencoded' },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
    expect(res.headers['cache-control']).toBe('no-store');
    const answer = Object.fromEntries(new URLSearchParams(res.body));
    expect(answer).toMatchObject({ token_type: 'bearer', scope: 'read_stats.languages,email', uid: b.uuid });
    expect(answer.access_token).toMatch(/^waka_tok_/);
    expect(answer.refresh_token).toMatch(/^waka_ref_/);
    expect(Number(answer.expires_in)).toBeGreaterThan(365 * 86400 - 60);
    expect(Date.parse(answer.expires_at!)).toBeGreaterThan(Date.now() + 364 * 86400_000);
    expect(answer.expires_at).toMatch(/Z$/);

    // the API with the token: Bearer, ?access_token=, ?token= (with the app secret, as the reference allows)
    const viaBearer = await me(bearer(answer.access_token!));
    expect(viaBearer.statusCode, viaBearer.body).toBe(200);
    expect(viaBearer.json().data.username).toBe(b.username);
    expect((await me({}, `?access_token=${answer.access_token}`)).statusCode).toBe(200);
    expect((await me({}, `?token=${answer.access_token}&secret=${app.client_secret}`)).statusCode).toBe(200);
    expect((await me({}, `?token=${answer.access_token}&app_secret=waka_sec_wrong`)).statusCode).toBe(401);
    // scopes are enforced: read_stats.languages allows stats, not heartbeats
    const hb = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/heartbeats?date=2024-01-01', headers: bearer(answer.access_token!) });
    expect(hb.statusCode).toBe(403);
    // the token may not manage API keys or apps
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/oauth_apps', headers: bearer(answer.access_token!) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/authorized_apps', headers: bearer(answer.access_token!) })).statusCode).toBe(403);

    // refresh rotates the pair (client secret via HTTP Basic this time), narrowing the scope
    const basic = `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}`;
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: answer.refresh_token!, scope: 'email' }, { authorization: basic });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.headers['content-type']).toMatch(/application\/json/);
    const r = refreshed.json();
    expect(r).toMatchObject({ token_type: 'bearer', scope: 'email', uid: b.uuid });
    expect(r.access_token).not.toBe(answer.access_token);
    expect(r.refresh_token).not.toBe(answer.refresh_token);
    expect(r.expires_in).toBeGreaterThan(365 * 86400 - 60);
    expect((await me(bearer(answer.access_token!))).statusCode).toBe(401);
    expect((await me(bearer(r.access_token))).statusCode).toBe(200);
    // widening beyond the grant is refused
    const wider = await token({ grant_type: 'refresh_token', refresh_token: r.refresh_token, client_id: app.client_id, app_secret: app.client_secret!, scope: 'email,read_heartbeats' });
    expect(wider.json().error).toBe('invalid_scope');
    // JSON bodies work too
    const json = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'refresh_token', refresh_token: r.refresh_token, client_id: app.client_id, secret: app.client_secret },
    });
    expect(json.statusCode, json.body).toBe(200);
    expect((await me(bearer(json.json().access_token))).statusCode).toBe(200);
    // a spent refresh token presented again means a copy is out there: the whole chain ends
    const again = await token({ grant_type: 'refresh_token', refresh_token: answer.refresh_token!, client_id: app.client_id, client_secret: app.client_secret! });
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toBe('invalid_grant');
    expect(again.json().error_description).toMatch(/already used or revoked/);
    expect((await me(bearer(json.json().access_token))).statusCode).toBe(401);
    const latest = await token({ grant_type: 'refresh_token', refresh_token: json.json().refresh_token, client_id: app.client_id, client_secret: app.client_secret! });
    expect(latest.json().error).toBe('invalid_grant');
  });

  it('revokes in each of the four ways, answering 200 even for unknown tokens', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    const creds = { client_id: app.client_id, client_secret: app.client_secret };

    // 1. one token (by its refresh token: the pair dies)
    const b1 = await browser();
    const one = await tokensFor(b1, app);
    const other = await tokensFor(b1, app);
    expect((await revoke({ ...creds, token: one.refresh_token })).statusCode).toBe(200);
    expect((await me(bearer(one.access_token))).statusCode).toBe(401);
    expect((await me(bearer(other.access_token))).statusCode).toBe(200);
    const spent = await token({ grant_type: 'refresh_token', refresh_token: one.refresh_token, ...creds, client_secret: app.client_secret! });
    expect(spent.json().error).toBe('invalid_grant');
    // already revoked, unknown: still 200
    expect((await revoke({ ...creds, token: one.access_token })).statusCode).toBe(200);
    expect((await revoke({ ...creds, token: 'waka_tok_unknown' })).statusCode).toBe(200);
    // wrong secret: invalid_client
    const bad = await revoke({ client_id: app.client_id, client_secret: 'waka_sec_nope', token: other.access_token });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error).toBe('invalid_client');
    expect((await me(bearer(other.access_token))).statusCode).toBe(200);

    // 2. all of a user's tokens, by user_id (uuid, form body) — and by username
    const b2 = await browser();
    const two = [await tokensFor(b2, app), await tokensFor(b2, app)];
    const byId = await t.app.inject({ method: 'POST', url: '/oauth/revoke', headers: FORM, payload: form({ ...creds, client_secret: app.client_secret!, user_id: b2.uuid }) });
    expect(byId.statusCode).toBe(200);
    for (const x of two) expect((await me(bearer(x.access_token))).statusCode).toBe(401);
    expect((await me(bearer(other.access_token))).statusCode).toBe(200);
    const b2b = await tokensFor(b2, app);
    expect((await revoke({ ...creds, user_id: b2.username })).statusCode).toBe(200);
    expect((await me(bearer(b2b.access_token))).statusCode).toBe(401);

    // 3. all of a user's tokens through a past (already revoked) token, all=true
    const b3 = await browser();
    const past = await tokensFor(b3, app);
    await revoke({ ...creds, token: past.access_token });
    const three = [await tokensFor(b3, app), await tokensFor(b3, app)];
    expect((await revoke({ ...creds, token: past.access_token, all: 'true' })).statusCode).toBe(200);
    for (const x of three) expect((await me(bearer(x.access_token))).statusCode).toBe(401);
    expect((await me(bearer(other.access_token))).statusCode).toBe(200);

    // 4. every token of the app
    const b4 = await browser();
    const four = await tokensFor(b4, app);
    const otherApp = await registerApp(apiKey, { name: 'Other' });
    const keep = await tokensFor(b4, otherApp);
    expect((await revoke({ ...creds, all: true })).statusCode).toBe(200);
    expect((await me(bearer(four.access_token))).statusCode).toBe(401);
    expect((await me(bearer(other.access_token))).statusCode).toBe(401);
    expect((await me(bearer(keep.access_token))).statusCode).toBe(200);

    // nothing to revoke named
    expect((await revoke({ ...creds })).json().error).toBe('invalid_request');
  });

  it('token flow: the token in the fragment, 12 hours, no refresh token', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    const b = await browser();
    const back = await approve(b, { client_id: app.client_id, response_type: 'token', scope: 'read_heartbeats', state: 's1' });
    expect(back.search).toBe('');
    const frag = Object.fromEntries(new URLSearchParams(back.hash.slice(1)));
    expect(frag).toMatchObject({ token_type: 'bearer', expires_in: String(12 * 3600), scope: 'read_heartbeats', state: 's1' });
    expect(frag.access_token).toMatch(/^waka_tok_/);
    expect(frag.refresh_token).toBeUndefined();
    expect((await me(bearer(frag.access_token!))).statusCode).toBe(200);
    const [row] = await listUserAppTokens(t.storage.db, (await appRow(app)).id, b.userId);
    expect(row!.flow).toBe('token');
    expect(row!.refresh_hash).toBeNull();
    expect(row!.expires_at - row!.created_at).toBeCloseTo(12 * 3600, 0);
    // expired → 401 (time simulated by writing expires_at in the past)
    await setTokenExpiry(t.storage.db, row!.id, Date.now() / 1000 - 1);
    expect((await me(bearer(frag.access_token!))).statusCode).toBe(401);
  });

  async function appRow(app: RegisteredApp) {
    return t.storage.db.selectFrom('oauth_apps').selectAll().where('uuid', '=', app.id).executeTakeFirstOrThrow();
  }

  it('keeps 8 active tokens per app and user; the 11th new token within an hour is refused and revokes nothing', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    const b = await browser();
    const issued: string[] = [];
    for (let i = 0; i < 9; i++) issued.push((await tokensFor(b, app)).access_token);
    // the 9th revoked the oldest
    expect((await me(bearer(issued[0]!))).statusCode).toBe(401);
    for (const tok of issued.slice(1)) expect((await me(bearer(tok))).statusCode).toBe(200);
    const appId = (await appRow(app)).id;
    const active = (await listUserAppTokens(t.storage.db, appId, b.userId)).filter((r) => r.revoked_at === null);
    expect(active).toHaveLength(8);

    // an expired token → 401 and no longer counts as active
    const rows = await listUserAppTokens(t.storage.db, appId, b.userId);
    await setTokenExpiry(t.storage.db, rows[1]!.id, Date.now() / 1000 - 10);
    expect((await me(bearer(issued[1]!))).statusCode).toBe(401);

    issued.push((await tokensFor(b, app)).access_token); // the 10th this hour
    const code = await codeFor(b, app);
    const eleventh = await token({ grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret!, redirect_uri: REDIRECT });
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.json().error).toMatch(/10 per hour/);
    expect(Number(eleventh.headers['retry-after'])).toBeGreaterThan(0);
    const after = await listUserAppTokens(t.storage.db, appId, b.userId);
    expect(after).toHaveLength(10);
    for (const tok of issued.slice(2)) expect((await me(bearer(tok))).statusCode).toBe(200);
    // the token flow is limited as well
    const tokenFlow = await authorizeGet(b, { client_id: app.client_id, response_type: 'token', scope: 'read_stats,email' });
    expect(tokenFlow.statusCode).toBe(429);
    const now = Date.now() / 1000;
    expect((await listUserAppTokens(t.storage.db, appId, b.userId)).filter((r) => r.revoked_at === null && r.expires_at > now)).toHaveLength(8);
    expect(await listUserAppTokens(t.storage.db, appId, b.userId)).toHaveLength(10);
  });

  it('refuses a refresh over the hourly limit without revoking the old pair', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    const b = await browser();
    const first = await tokensFor(b, app);
    // nine more tokens from another app fill the user's hour
    const other = await registerApp(apiKey, { name: 'Filler' });
    for (let i = 0; i < 9; i++) await tokensFor(b, other);
    const res = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: app.client_id, client_secret: app.client_secret! });
    expect(res.statusCode).toBe(429);
    expect((await me(bearer(first.access_token))).statusCode).toBe(200);
  });

  it('codes are single-use: a second use is invalid_grant and revokes the tokens of the first', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    const b = await browser();
    const code = await codeFor(b, app);
    const body = { grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret!, redirect_uri: REDIRECT };
    const first = await token(body);
    expect(first.statusCode).toBe(200);
    const tok = first.json();
    expect((await me(bearer(tok.access_token))).statusCode).toBe(200);
    const second = await token(body);
    expect(second.statusCode).toBe(400);
    expect(second.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/already used/) });
    expect((await me(bearer(tok.access_token))).statusCode).toBe(401);
    const refresh = await token({ grant_type: 'refresh_token', refresh_token: tok.refresh_token, client_id: app.client_id, client_secret: app.client_secret! });
    expect(refresh.json().error).toBe('invalid_grant');
    // an expired code
    const late = await codeFor(b, app);
    await t.storage.db.updateTable('oauth_codes').set({ expires_at: Date.now() / 1000 - 1 }).where('used_at', 'is', null).execute();
    expect((await token({ ...body, code: late })).json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
    // codes expired for over a day are swept by housekeeping; recent ones stay for replay detection
    const lateHash = hashSecret(late);
    await t.storage.db.updateTable('oauth_codes').set({ expires_at: Date.now() / 1000 - 2 * 86400 }).where('code_hash', '=', lateHash).execute();
    await t.app.ctx.services.housekeeping.sweep();
    expect(await t.storage.db.selectFrom('oauth_codes').select('id').where('code_hash', '=', lateHash).execute()).toEqual([]);
    expect(await t.storage.db.selectFrom('oauth_codes').select('id').where('code_hash', '=', hashSecret(code)).execute()).toHaveLength(1);
  });

  it('checks redirect URIs: 400 at authorize, invalid_grant at the token step', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey, { redirect_uris: [REDIRECT, 'myapp://cb'] });
    const b = await browser();
    const wrong = await authorizeGet(b, { client_id: app.client_id, response_type: 'code', redirect_uri: 'https://evil.example/cb' }, { accept: 'application/json' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toBe('invalid_request');
    expect(wrong.json().error_description).toMatch(/redirect_uri/);
    expect(wrong.headers.location).toBeUndefined();
    const html = await authorizeGet(b, { client_id: app.client_id, response_type: 'code', redirect_uri: 'https://evil.example/cb' }, { accept: 'text/html,*/*' });
    expect(html.statusCode).toBe(400);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    // several registered and none given: 400
    expect((await authorizeGet(b, { client_id: app.client_id, response_type: 'code' })).statusCode).toBe(400);
    const unknown = await authorizeGet(b, { client_id: 'nope', response_type: 'code' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error_description).toMatch(/client_id/);

    // the custom scheme works; the token step must name the same URI
    const back = await approve(b, { client_id: app.client_id, response_type: 'code', redirect_uri: 'myapp://cb', state: 'n' });
    expect(back.protocol).toBe('myapp:');
    const code = back.searchParams.get('code')!;
    const res = await token({ grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret!, redirect_uri: REDIRECT });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_grant');
    // omitted while the app has two: refused too
    const omitted = await token({ grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret! });
    expect(omitted.json().error).toBe('invalid_grant');
  });

  it('requires redirect_uri at the token step when the authorize request carried one (RFC 6749 §4.1.3)', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    const b = await browser();
    // carried at authorize: omitting it at the token step is refused, even with a single registered URI
    const code = await codeFor(b, app);
    const omitted = await token({ grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret! });
    expect(omitted.statusCode).toBe(400);
    expect(omitted.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/redirect_uri/) });
    const repeated = await token({ grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret!, redirect_uri: REDIRECT });
    expect(repeated.statusCode, repeated.body).toBe(200);

    // not carried at authorize (the app's only URI was used): the token step may omit it, or repeat the same one
    for (const send of [undefined, REDIRECT]) {
      const back = await approve(b, { client_id: app.client_id, response_type: 'code', scope: 'email', state: 'z' });
      expect(back.origin + back.pathname).toBe(REDIRECT);
      const res = await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, client_id: app.client_id, client_secret: app.client_secret!, redirect_uri: send });
      expect(res.statusCode, res.body).toBe(200);
    }
  });

  it('serves the consent page with nosniff, a referrer policy, no framing and no caching', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    const b = await browser();
    const page = await authorizeGet(b, { client_id: app.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'email', state: 'h' });
    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // the login page a visitor is sent to first has them too
    const login = await t.app.inject({ method: 'GET', url: '/login?next=%2Foauth%2Fauthorize', headers: { accept: 'text/html' } });
    expect(login.headers['x-content-type-options']).toBe('nosniff');
    expect(login.headers['referrer-policy']).toBeDefined();
  });

  it('never redirects an invalid authorize request to the app (no open redirector): a page or JSON; only a denial goes back', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    const b = await browser();
    for (const [params, error, pattern] of [
      [{ client_id: app.client_id, response_type: 'code', scope: 'email,read_everything', state: 'q' }, 'invalid_scope', /read_everything/],
      [{ client_id: app.client_id, response_type: 'bogus', state: 'q' }, 'unsupported_response_type', /bogus/],
      [{ client_id: app.client_id, state: 'q' }, 'invalid_request', /response_type/],
      [{ client_id: app.client_id, response_type: 'code', code_challenge: 'x'.repeat(43), code_challenge_method: 'S512' }, 'invalid_request', /S512|method/],
    ] as const) {
      // logged in or not, before anyone saw anything: no redirect
      for (const who of [b, null]) {
        const json = await authorizeGet(who, params, { accept: 'application/json' });
        expect(json.statusCode, json.body).toBe(400);
        expect(json.headers.location).toBeUndefined();
        expect(json.json()).toMatchObject({ error, error_description: expect.stringMatching(pattern) });
        const html = await authorizeGet(who, params, { accept: 'text/html,*/*' });
        expect(html.statusCode).toBe(400);
        expect(html.headers.location).toBeUndefined();
        expect(html.headers['content-type']).toMatch(/text\/html/);
        expect(html.headers['x-content-type-options']).toBe('nosniff');
        expect(html.body).toMatch(pattern);
      }
      // nor the consent form posted with the same parameters
      const posted = await consentPost(b, { ...params, csrf_token: b.csrf, decision: 'approve' });
      expect(posted.statusCode).toBe(400);
      expect(posted.headers.location).toBeUndefined();
    }

    const page = await authorizeGet(b, { client_id: app.client_id, response_type: 'code', scope: 'email', state: 'd' });
    const denied = location(await consentPost(b, { ...hiddenFields(page.body), decision: 'deny' }));
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('d');
    expect(denied.searchParams.get('code')).toBeNull();
    expect(await t.storage.db.selectFrom('oauth_grants').selectAll().where('user_id', '=', b.userId).execute()).toEqual([]);
  });

  it('sends a visitor who is not logged in to /login with the authorize URL as next', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    const res = await authorizeGet(null, { client_id: app.client_id, response_type: 'code', scope: 'email', state: 'a b' });
    const loc = location(res);
    expect(loc.pathname).toBe('/login');
    const next = loc.searchParams.get('next')!;
    expect(next.startsWith('/oauth/authorize?')).toBe(true);
    const nextUrl = new URL(next, 'http://x');
    expect(nextUrl.searchParams.get('client_id')).toBe(app.client_id);
    expect(nextUrl.searchParams.get('state')).toBe('a b');
    // an API key is not a browser login either
    expect(location(await authorizeGet(null, { client_id: app.client_id, response_type: 'code' }, t.auth(apiKey))).pathname).toBe('/login');
  });

  it('requires PKCE for public apps: wrong verifier invalid_grant, right verifier works', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey, { is_public: true, name: 'Native' });
    expect(app.client_secret).toBeNull();
    const b = await browser();
    const noPkce = await authorizeGet(b, { client_id: app.client_id, response_type: 'code', state: 'p' });
    expect(noPkce.statusCode).toBe(400);
    expect(noPkce.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/PKCE/) });

    const code1 = await codeFor(b, app, { code_challenge: RFC_CHALLENGE, code_challenge_method: 'S256' });
    const wrong = await token({ grant_type: 'authorization_code', code: code1, client_id: app.client_id, redirect_uri: REDIRECT, code_verifier: `${RFC_VERIFIER.slice(0, -3)}abc` });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toBe('invalid_grant');
    const missing = await token({ grant_type: 'authorization_code', code: code1, client_id: app.client_id, redirect_uri: REDIRECT });
    expect(missing.json().error).toBe('invalid_grant');

    const code2 = await codeFor(b, app, { code_challenge: RFC_CHALLENGE, code_challenge_method: 'S256' });
    const right = await token({ grant_type: 'authorization_code', code: code2, client_id: app.client_id, redirect_uri: REDIRECT, code_verifier: RFC_VERIFIER });
    expect(right.statusCode, right.body).toBe(200);
    const tok = right.json();
    expect((await me(bearer(tok.access_token))).statusCode).toBe(200);
    // a public app has no secret to send
    const withSecret = await token({ grant_type: 'refresh_token', refresh_token: tok.refresh_token, client_id: app.client_id, client_secret: 'waka_sec_guess' });
    expect(withSecret.statusCode).toBe(401);
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: tok.refresh_token, client_id: app.client_id });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    // client_id alone revokes its own token, but not everybody's
    expect((await revoke({ client_id: app.client_id, all: 'true' })).statusCode).toBe(401);
    expect((await revoke({ client_id: app.client_id, token: refreshed.json().access_token })).statusCode).toBe(200);
    expect((await me(bearer(refreshed.json().access_token))).statusCode).toBe(401);
  });

  it('skips consent when the grant covers the scopes, shows it again with force_approve', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    const b = await browser();
    await codeFor(b, app); // grants read_stats,email
    const skipped = location(await authorizeGet(b, { client_id: app.client_id, response_type: 'code', scope: 'read_stats.languages email', state: 'k' }));
    expect(skipped.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(skipped.searchParams.get('state')).toBe('k');
    const forced = await authorizeGet(b, { client_id: app.client_id, response_type: 'code', scope: 'email', force_approve: 'true' });
    expect(forced.statusCode).toBe(200);
    expect(forced.body).toContain('See your private email address');
    const wider = await authorizeGet(b, { client_id: app.client_id, response_type: 'code', scope: 'email,read_heartbeats' });
    expect(wider.statusCode).toBe(200);
    // approving the wider set keeps the earlier scopes in the grant
    location(await consentPost(b, { ...hiddenFields(wider.body), decision: 'approve' }));
    const grant = await t.storage.db.selectFrom('oauth_grants').selectAll().where('user_id', '=', b.userId).executeTakeFirstOrThrow();
    expect(grant.scopes).toBe('read_stats read_heartbeats email');
  });

  it('refuses the consent POST without or with a wrong CSRF token, issuing no code', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    const b = await browser();
    const page = await authorizeGet(b, { client_id: app.client_id, response_type: 'code', scope: 'email', state: 'c' });
    const { csrf_token: _ignored, ...fields } = hiddenFields(page.body);
    const none = await consentPost(b, { ...fields, decision: 'approve' });
    expect(none.statusCode).toBe(403);
    expect(none.headers.location).toBeUndefined();
    const wrong = await consentPost(b, { ...fields, csrf_token: 'not-the-token', decision: 'approve' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.headers.location).toBeUndefined();
    expect(await t.storage.db.selectFrom('oauth_codes').selectAll().where('user_id', '=', b.userId).execute()).toEqual([]);
    expect(await t.storage.db.selectFrom('oauth_grants').selectAll().where('user_id', '=', b.userId).execute()).toEqual([]);
  });

  it('manages apps: create, list, rename, validate redirect URIs, rotate the secret, delete', async () => {
    const { apiKey } = await owner();
    const h = t.auth(apiKey);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/oauth_apps', headers: h, payload: { name: 'X', redirect_uris: ['https://a.example/cb#frag'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.redirect_uris[0]).toMatch(/fragment/);
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/oauth_apps', headers: h, payload: { name: 'X', redirect_uris: [] } });
    expect(none.statusCode).toBe(400);
    expect(none.json().errors.redirect_uris).toBeDefined();
    const tooMany = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/current/oauth_apps',
      headers: h,
      payload: { name: 'X', redirect_uris: Array.from({ length: 11 }, (_, i) => `https://a.example/${i}`) },
    });
    expect(tooMany.json().errors.redirect_uris).toBeDefined();

    const app = await registerApp(apiKey, { name: 'Mine', redirect_uris: [REDIRECT, 'myapp://cb'] });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/oauth_apps', headers: h });
    expect(list.json().data).toEqual([
      {
        id: app.id,
        name: 'Mine',
        client_id: app.client_id,
        redirect_uris: [REDIRECT, 'myapp://cb'],
        is_public: false,
        created_at: expect.stringMatching(/Z$/),
        modified_at: null,
        secret_rotated_at: null,
      },
    ]);
    expect(JSON.stringify(list.json())).not.toContain('waka_sec_');
    // another user sees none of it
    const stranger = await t.createUser();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/oauth_apps', headers: t.auth(stranger.apiKey) })).json().data).toEqual([]);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/oauth_apps/${app.id}`, headers: t.auth(stranger.apiKey) })).statusCode).toBe(404);

    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/current/oauth_apps/${app.id}`, headers: h, payload: { name: 'Renamed', redirect_uris: [REDIRECT] } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().data).toMatchObject({ name: 'Renamed', redirect_uris: [REDIRECT], modified_at: expect.stringMatching(/Z$/) });
    const badPatch = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/current/oauth_apps/${app.id}`, headers: h, payload: { redirect_uris: ['nope'] } });
    expect(badPatch.json().errors.redirect_uris).toBeDefined();

    // a token, then rotation: the old secret is invalid_client and the token is dead
    const b = await browser();
    const tok = await tokensFor(b, app);
    const rotated = await t.app.inject({ method: 'POST', url: `/api/v1/users/current/oauth_apps/${app.id}/secret`, headers: h });
    expect(rotated.statusCode).toBe(200);
    const newSecret = rotated.json().data.client_secret as string;
    expect(newSecret).toMatch(/^waka_sec_/);
    expect(newSecret).not.toBe(app.client_secret);
    expect(rotated.json().data.secret_rotated_at).toMatch(/Z$/);
    const old = await token({ grant_type: 'refresh_token', refresh_token: tok.refresh_token, client_id: app.client_id, client_secret: app.client_secret! });
    expect(old.statusCode).toBe(401);
    expect(old.json().error).toBe('invalid_client');
    expect((await me(bearer(tok.access_token))).statusCode).toBe(401);
    const fresh = await tokensFor(b, { ...app, client_secret: newSecret });
    expect((await me(bearer(fresh.access_token))).statusCode).toBe(200);

    // delete: its tokens die with it
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/oauth_apps/${app.id}`, headers: h })).json()).toEqual({ data: {} });
    expect((await me(bearer(fresh.access_token))).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/oauth_apps', headers: h })).json().data).toEqual([]);
    expect((await authorizeGet(b, { client_id: app.client_id, response_type: 'code' })).statusCode).toBe(400);
  });

  it('lists authorized apps and revokes one: the grant and all its tokens', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey, { name: 'Dashboard' });
    const b = await browser();
    const t1 = await tokensFor(b, app);
    const t2 = await tokensFor(b, app);
    await me(bearer(t1.access_token));
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/users/current/authorized_apps', headers: { cookie: b.cookie } });
    expect(list.statusCode, list.body).toBe(200);
    const [entry] = list.json().data;
    expect(entry).toEqual({
      id: expect.any(String),
      app: { client_id: app.client_id, name: 'Dashboard' },
      scopes: ['read_stats', 'email'],
      created_at: expect.stringMatching(/Z$/),
      modified_at: expect.stringMatching(/Z$/),
      active_tokens: 2,
      last_used_at: expect.stringMatching(/Z$/),
    });
    // a session needs the CSRF header for the DELETE
    const noCsrf = await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/authorized_apps/${entry.id}`, headers: { cookie: b.cookie } });
    expect(noCsrf.statusCode).toBe(403);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/authorized_apps/${entry.id}`, headers: { cookie: b.cookie, 'x-csrf-token': b.csrf } });
    expect(del.statusCode, del.body).toBe(200);
    for (const x of [t1, t2]) expect((await me(bearer(x.access_token))).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current/authorized_apps', headers: { cookie: b.cookie } })).json().data).toEqual([]);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/authorized_apps/${entry.id}`, headers: { cookie: b.cookie, 'x-csrf-token': b.csrf } })).statusCode).toBe(404);
    // the consent page is shown again
    expect((await authorizeGet(b, { client_id: app.client_id, response_type: 'code', scope: 'email' })).statusCode).toBe(200);
  });

  it('answers token-endpoint mistakes with RFC 6749 errors', async () => {
    const { apiKey } = await owner();
    const app = await registerApp(apiKey);
    expect((await token({ client_id: app.client_id, client_secret: app.client_secret! })).json().error).toBe('invalid_request');
    expect((await token({ grant_type: 'password', client_id: app.client_id, client_secret: app.client_secret! })).json().error).toBe('unsupported_grant_type');
    const unknownClient = await token({ grant_type: 'authorization_code', code: 'x', client_id: 'nobody', client_secret: 'waka_sec_x' });
    expect(unknownClient.statusCode).toBe(401);
    expect(unknownClient.json().error).toBe('invalid_client');
    const basicWrong = await token({ grant_type: 'authorization_code', code: 'x' }, { authorization: `Basic ${Buffer.from(`${app.client_id}:wrong`).toString('base64')}` });
    expect(basicWrong.statusCode).toBe(401);
    expect(basicWrong.headers['www-authenticate']).toMatch(/^Basic/);
    const noSecret = await token({ grant_type: 'authorization_code', code: 'x', client_id: app.client_id });
    expect(noSecret.json().error).toBe('invalid_client');
    const badCode = await token({ grant_type: 'authorization_code', code: 'not-a-code', client_id: app.client_id, client_secret: app.client_secret!, redirect_uri: REDIRECT });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().error).toBe('invalid_grant');
    expect(badCode.headers['cache-control']).toBe('no-store');
    const noBody = await t.app.inject({ method: 'POST', url: '/oauth/token' });
    expect(noBody.statusCode).toBe(400);
    expect(noBody.json().error).toBe('invalid_request');
  });
});
