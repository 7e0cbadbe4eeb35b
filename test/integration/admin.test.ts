/** Instance administration: the first user administers, run-time sign-up, disabling a user. */
import { expect, it } from 'vitest';
import { createAccount } from '../../src/services/accounts.js';
import { describeEachDatabase, uniqueName } from '../helpers/harness.js';
import { codeToday } from '../helpers/orgs.js';

describeEachDatabase('instance administration', (t) => {
  it('lets the first user (and --admin users) administer: users, sign-up, disabling', async () => {
    const first = await t.createUser();
    const other = await t.createUser({ email: 'other@example.com' });
    expect(first.user.is_admin).toBe(1);
    expect(other.user.is_admin).toBe(0);
    const made = await createAccount(t.storage, { username: uniqueName('adm'), admin: true });
    expect(made.user.is_admin).toBe(1);
    await codeToday(t, other.apiKey, { project: 'p', language: 'Go', minutes: 3 });

    const get = (key: string, url: string) => t.app.inject({ method: 'GET', url, headers: t.auth(key) });
    const patch = (key: string, url: string, payload: unknown) => t.app.inject({ method: 'PATCH', url, headers: t.auth(key), payload: payload as never });
    expect((await get(other.apiKey, '/api/v1/admin/users')).statusCode).toBe(403);
    expect((await patch(other.apiKey, '/api/v1/admin/settings', { allow_signup: false })).statusCode).toBe(403);

    const users = await get(first.apiKey, `/api/v1/admin/users?q=${encodeURIComponent(other.user.username)}`);
    expect(users.statusCode).toBe(200);
    expect(users.json()).toMatchObject({ total: 1, page: 1 });
    expect(users.json().data[0]).toMatchObject({ username: other.user.username, email: 'other@example.com', heartbeats_count: 4, is_admin: false, is_disabled: false });
    expect(users.json().data[0].last_heartbeat_at).toMatch(/^\d{4}-/);
    // LIKE wildcards in q are literal
    expect((await get(first.apiKey, '/api/v1/admin/users?q=%25')).json().total).toBe(0);

    // sign-up off at run time, over ALLOW_SIGNUP (true in tests)
    expect((await get(first.apiKey, '/api/v1/admin/settings')).json().data).toEqual({ allow_signup: true, allow_signup_source: 'environment' });
    expect((await patch(first.apiKey, '/api/v1/admin/settings', { allow_signup: false })).json().data).toEqual({ allow_signup: false, allow_signup_source: 'runtime' });
    expect((await t.app.inject({ method: 'GET', url: '/api/web/session' })).json().data.signup_open).toBe(false);
    await patch(first.apiKey, '/api/v1/admin/settings', { allow_signup: true });
    expect((await t.app.inject({ method: 'GET', url: '/api/web/session' })).json().data.signup_open).toBe(true);

    // a disabled user's key stops working at once, and works again when enabled
    const disabled = await patch(first.apiKey, `/api/v1/admin/users/${other.user.username}`, { is_disabled: true });
    expect(disabled.json().data).toMatchObject({ is_disabled: true });
    const refused = await get(other.apiKey, '/api/v1/users/current');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toContain('disabled');
    await patch(first.apiKey, `/api/v1/admin/users/${other.user.uuid}`, { is_disabled: false });
    expect((await get(other.apiKey, '/api/v1/users/current')).statusCode).toBe(200);

    // never the last active administrator
    expect((await patch(first.apiKey, `/api/v1/admin/users/${made.user.username}`, { is_admin: false })).statusCode).toBe(200);
    const last = await patch(first.apiKey, `/api/v1/admin/users/${first.user.username}`, { is_disabled: true });
    expect(last.statusCode).toBe(409);
    expect((await patch(first.apiKey, '/api/v1/admin/users/nobody-here', { is_disabled: true })).statusCode).toBe(404);
  });
});
