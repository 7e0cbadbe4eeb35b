/** The authentication plugin on its own: declared route scopes, lazily resolved credentials, no shared state. */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { authPlugin, viewerOf, type Auth, type CredentialResolver } from '../../src/http/auth.js';
import { installErrorHandlers } from '../../src/http/errors.js';
import type { Storage } from '../../src/storage/db.js';
import type { UserRow } from '../../src/storage/users.js';

const alice = { id: 1, username: 'alice' } as UserRow;
const KEY = 'waka_00000000-0000-4000-8000-000000000001';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function build(opts: { tokenScopes?: string[]; ambient?: Auth | null; calls?: { n: number } } = {}) {
  const app = Fastify();
  apps.push(app);
  installErrorHandlers(app);
  const calls = opts.calls ?? { n: 0 };
  const token: CredentialResolver = async (credential) => {
    calls.n++;
    return credential.value === 'tok' ? { user: alice, scopes: new Set(opts.tokenScopes ?? []), via: 'oauth', credentialId: 7 } : null;
  };
  await app.register(authPlugin, {
    storage: {} as Storage,
    apiKeys: async (key) => (key === KEY ? { user: alice, keyId: 3 } : null),
    tokenResolvers: [token],
    ambientResolvers: [async () => opts.ambient ?? null],
  });
  app.get('/stats', { config: { auth: { scope: 'read_stats' } } }, async (request) => ({ via: viewerOf(request).via }));
  app.get('/keys', { config: { auth: { owner: 'manage API keys' } } }, async (request) => ({ user: viewerOf(request).user.username }));
  app.get('/maybe', { config: { auth: { optional: true } } }, async (request) => {
    await request.authenticate();
    await request.authenticate();
    return { viewer: request.viewer?.via ?? null };
  });
  app.get('/users/:user/stats', { config: { auth: { subject: 'user', scope: ['read_stats', 'read_summaries'] } } }, async (request) => ({
    subject: request.subject?.user.username,
    isOwner: request.subject?.isOwner,
  }));
  app.get('/open', async () => ({ ok: true }));
  return { app, calls };
}

const bearer = (v: string) => ({ authorization: `Bearer ${v}` });

describe('auth plugin', () => {
  it('answers 401 without credentials and 403 naming the scope without it, on a route that declares it', async () => {
    const { app } = await build({ tokenScopes: ['read_summaries'] });
    const anon = await app.inject({ url: '/stats' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error).toMatch(/Authentication required/);
    const narrow = await app.inject({ url: '/stats', headers: bearer('tok') });
    expect(narrow.statusCode).toBe(403);
    expect(narrow.json().error).toMatch(/read_stats/);
    expect((await app.inject({ url: '/stats', headers: bearer('nope') })).statusCode).toBe(401);
    const key = await app.inject({ url: '/stats', headers: bearer(KEY) });
    expect(key.statusCode).toBe(200);
    expect(key.json()).toEqual({ via: 'api_key' });
  });

  it('grants a declared scope to an OAuth token that has it', async () => {
    const { app } = await build({ tokenScopes: ['read_stats'] });
    const res = await app.inject({ url: '/stats', headers: bearer('tok') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ via: 'oauth' });
  });

  it('refuses account management to OAuth apps, whatever their scopes', async () => {
    const { app } = await build({ tokenScopes: ['read_stats', 'write_heartbeats', 'email'] });
    const res = await app.inject({ url: '/keys', headers: bearer('tok') });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('OAuth apps cannot manage API keys: use your API key or the web app.');
    expect((await app.inject({ url: '/keys', headers: bearer(KEY) })).json()).toEqual({ user: 'alice' });
  });

  it('uses the ambient resolver it was given when the request carries no credential', async () => {
    const { app } = await build({ ambient: { user: alice, scopes: 'all', via: 'session' } });
    expect((await app.inject({ url: '/maybe' })).json()).toEqual({ viewer: 'session' });
    expect((await app.inject({ url: '/keys' })).json()).toEqual({ user: 'alice' });
  });

  it('resolves credentials once per request, and only where they are asked for', async () => {
    const { app, calls } = await build({ tokenScopes: [] });
    expect((await app.inject({ url: '/maybe', headers: bearer('tok') })).json()).toEqual({ viewer: 'oauth' });
    expect(calls.n).toBe(1);
    // a route that declares nothing never looks at the credential (e.g. /oauth/token's HTTP Basic client credentials)
    expect((await app.inject({ url: '/open', headers: bearer('nope') })).statusCode).toBe(200);
    expect(calls.n).toBe(1);
    expect((await app.inject({ url: '/maybe' })).json()).toEqual({ viewer: null });
  });

  it('keeps no state between apps: each app knows only the resolvers it was given', async () => {
    const { app: withSession } = await build({ ambient: { user: alice, scopes: 'all', via: 'session' } });
    const { app: without } = await build();
    expect((await withSession.inject({ url: '/maybe' })).json()).toEqual({ viewer: 'session' });
    expect((await without.inject({ url: '/maybe' })).json()).toEqual({ viewer: null });
  });

  it("resolves a declared subject (the route's :user) and applies the scope to its owner", async () => {
    const { app } = await build({ tokenScopes: ['read_summaries'] });
    expect((await app.inject({ url: '/users/current/stats' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/users/current/stats', headers: bearer('tok') })).json()).toEqual({ subject: 'alice', isOwner: true });
    const { app: narrow } = await build({ tokenScopes: ['email'] });
    const refused = await narrow.inject({ url: '/users/current/stats', headers: bearer('tok') });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatch(/read_stats or read_summaries/);
  });
});
