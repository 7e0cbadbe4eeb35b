/** The account-side wire resources (src/wire/api-key.ts, oauth.ts, session.ts) document the responses and keep every field. */
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';

describeEachDatabase('account wire resources', (t) => {
  it('document the responses of the API key, OAuth app, authorized app, session and token routes in /api/docs', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const props = (path: string, method: string, status: string) => Object.keys(doc.paths[path][method].responses[status].content['application/json'].schema.properties);
    const dataItem = (path: string) => Object.keys(doc.paths[path].get.responses['200'].content['application/json'].schema.properties.data.items.properties);
    expect(dataItem('/api/v1/users/current/api_keys')).toEqual(['id', 'name', 'prefix', 'created_at', 'last_used_at']);
    expect(Object.keys(doc.paths['/api/v1/users/current/api_keys'].post.responses['201'].content['application/json'].schema.properties.data.properties)).toContain('api_key');
    expect(dataItem('/api/v1/users/current/oauth_apps')).toEqual(['id', 'name', 'client_id', 'redirect_uris', 'is_public', 'created_at', 'modified_at', 'secret_rotated_at']);
    expect(dataItem('/api/v1/users/current/authorized_apps')).toEqual(['id', 'app', 'scopes', 'created_at', 'modified_at', 'active_tokens', 'last_used_at']);
    expect(props('/api/web/session', 'get', '200')).toEqual(['data']);
    expect(props('/oauth/token', 'post', '200')).toEqual(expect.arrayContaining(['access_token', 'token_type', 'expires_in', 'scope', 'uid', 'refresh_token']));
  });

  it('return every field through the response schemas', async () => {
    const { apiKey } = await t.createUser();
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/oauth_apps', headers: t.auth(apiKey), payload: { name: 'res', redirect_uris: ['https://res.example/cb'] } });
    expect(created.statusCode).toBe(201);
    expect(Object.keys(created.json().data).sort()).toEqual(['client_id', 'client_secret', 'created_at', 'id', 'is_public', 'modified_at', 'name', 'redirect_uris', 'secret_rotated_at']);
    expect(created.json().data.client_secret).toMatch(/^waka_sec_/);
    const pub = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/oauth_apps', headers: t.auth(apiKey), payload: { name: 'pub', redirect_uris: ['myapp://cb'], is_public: true } });
    expect(pub.json().data).toMatchObject({ is_public: true, client_secret: null, modified_at: null });
    const keys = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/api_keys', headers: t.auth(apiKey) })).json().data;
    expect(Object.keys(keys[0]).sort()).toEqual(['created_at', 'id', 'last_used_at', 'name', 'prefix']);
    const session = (await t.app.inject({ method: 'GET', url: '/api/web/session' })).json().data;
    expect(Object.keys(session).sort()).toEqual(['api_url', 'base_url', 'csrf_token', 'signup_open', 'user']);
  });
});
