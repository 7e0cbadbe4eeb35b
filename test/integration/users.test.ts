import { expect, it, vi } from 'vitest';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';
import { buildApp } from '../../src/app.js';

describeEachDatabase('authentication and users', (t) => {
  it('accepts the API key in every documented form', async () => {
    const { user, apiKey } = await t.createUser();
    const bare = apiKey.replace(/^waka_/, '');
    const forms: Record<string, string>[] = [
      { authorization: `Basic ${Buffer.from(apiKey).toString('base64')}` },
      { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` },
      { authorization: `Basic ${apiKey}` },
      { authorization: `Bearer ${apiKey}` },
      { authorization: `basic ${Buffer.from(bare).toString('base64')}` },
    ];
    for (const headers of forms) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(200);
      expect(res.json().data.id).toBe(user.uuid);
    }
    const q = await t.app.inject({ method: 'GET', url: `/api/v1/users/current?api_key=${apiKey}` });
    expect(q.statusCode).toBe(200);
    for (const headers of [{ authorization: 'Basic bm9wZQ==' }, { authorization: 'Bearer nope' }, { authorization: 'Digest abc' }]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toEqual(expect.any(String));
    }
  });

  it('shows the owner everything and others only the public profile', async () => {
    const a = await t.createUser({ email: `${Date.now()}a@example.com` });
    const b = await t.createUser();
    const own = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(a.apiKey) })).json().data;
    expect(own).toMatchObject({ username: a.user.username, email: a.user.email, timezone: 'UTC', timeout: 15, writes_only: false, has_premium_features: true, plan: null, display_name: `@${a.user.username}` });
    for (const field of ['id', 'has_premium_features', 'display_name', 'full_name', 'email', 'photo', 'is_email_public', 'is_email_confirmed', 'public_email', 'photo_public', 'timezone', 'last_heartbeat_at', 'last_plugin', 'last_plugin_name', 'last_project', 'last_branch', 'plan', 'username', 'website', 'human_readable_website', 'wonderfuldev_username', 'github_username', 'twitter_username', 'linkedin_username', 'city', 'logged_time_public', 'languages_used_public', 'is_hireable', 'created_at', 'modified_at']) {
      expect(own, field).toHaveProperty(field);
    }
    const seen = await t.app.inject({ method: 'GET', url: `/api/v1/users/${a.user.username}`, headers: t.auth(b.apiKey) });
    expect(seen.statusCode).toBe(200);
    const pub = seen.json().data;
    expect(pub.username).toBe(a.user.username);
    expect(pub.email).toBeNull();
    expect(pub).not.toHaveProperty('timezone');
    expect(pub).not.toHaveProperty('last_project');
    const byId = await t.app.inject({ method: 'GET', url: `/api/v1/users/${a.user.uuid}` });
    expect(byId.statusCode).toBe(200);
    expect(byId.json().data.id).toBe(a.user.uuid);
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/users/nobody-here' });
    expect(missing.statusCode).toBe(404);
  });

  it('changes preferences with PATCH /users/current and validates them', async () => {
    const { apiKey } = await t.createUser();
    let res = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { timezone: 'America/New_York', timeout: 30, writes_only: true, logged_time_public: true, full_name: 'Ada L', website: 'https://ada.dev/' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ timezone: 'America/New_York', timeout: 30, writes_only: true, logged_time_public: true, display_name: 'Ada L', human_readable_website: 'ada.dev' });
    res = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { timezone: 'Nowhere/City' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toHaveProperty('timezone');
    res = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { timeout: 0 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toHaveProperty('timeout');
    res = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { favourite_colour: 'red' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/favourite_colour/);
    // a Timezone header no longer overrides a chosen zone
    await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'Asia/Tokyo' }), ...t.auth(apiKey) }, payload: [{ entity: 'x', time: Date.now() / 1000 }] });
    const me = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(apiKey) })).json().data;
    expect(me.timezone).toBe('America/New_York');
  });

  it('refuses an email address another account uses with 409 naming email, and a blank one clears it', async () => {
    const a = await t.createUser({ email: `${Date.now()}taken@example.com` });
    const b = await t.createUser();
    let res = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(b.apiKey), payload: { email: a.user.email } });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors).toHaveProperty('email');
    res = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(a.apiKey), payload: { email: a.user.email, full_name: '  ' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ email: a.user.email, full_name: null });
    res = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(b.apiKey), payload: { timezone: 'Mars/Olympus' } });
    expect(res.json().errors.timezone).toEqual(['Unknown time zone "Mars/Olympus": use an IANA name such as Europe/Berlin.']);
  });

  it('reads "now" from the injected clock: today/yesterday, the future check and human-readable times', async () => {
    const { apiKey } = await t.createUser();
    const now = Date.UTC(2024, 0, 3, 12) / 1000;
    const app = await buildApp({ config: t.config, storage: t.storage, logger: false, clock: { now: () => now * 1000 } });
    try {
      const time = now - 86_400 - 3600; // yesterday 11:00 UTC
      const sent = await app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(apiKey) }, payload: [{ entity: 'a.ts', time, project: 'clocked' }, { entity: 'b.ts', time: now + 7 * 86_400 }] });
      // a week after the injected now is in the future: refused, whatever the real date is
      expect(sent.json().responses.map((r: [unknown, number]) => r[1])).toEqual([201, 400]);
      const day = await app.inject({ method: 'GET', url: '/api/v1/users/current/heartbeats?date=yesterday', headers: t.auth(apiKey) });
      // received "now", by the same clock
      expect(day.json()).toMatchObject({ start: '2024-01-02T00:00:00Z', data: [{ entity: 'a.ts', created_at: '2024-01-03T12:00:00Z' }] });
      const projects = await app.inject({ method: 'GET', url: '/api/v1/users/current/projects', headers: t.auth(apiKey) });
      expect(projects.json().data[0]).toMatchObject({ name: 'clocked', human_readable_last_heartbeat_at: '1 day ago' });
    } finally {
      await app.close();
    }
  });

  it('lists projects (with q), machines and user agents with first and last seen times', async () => {
    const { apiKey } = await t.createUser();
    const base = Date.UTC(2024, 0, 2, 10) / 1000;
    const send = (machine: string, ua: string, body: object[]) =>
      t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ 'x-machine-name': machine, 'user-agent': ua, timezone: 'UTC' }), ...t.auth(apiKey) }, payload: body });
    await send('desk', 'wakatime/v1.90.0 (darwin-23.1.0-arm64) go1.21.4 vim/9.1 vim-wakatime/11.2.0', [
      { entity: 'a', time: base + 100, project: 'Alpha_Site' },
      { entity: 'b', time: base + 50, project: 'beta' },
    ]);
    await send('desk', 'wakatime/v1.90.0 (darwin-23.1.0-arm64) go1.21.4 vim/9.1 vim-wakatime/11.2.0', [{ entity: 'a', time: base + 10, project: 'Alpha_Site' }]);
    await send('laptop', 'wakatime/v1.90.0 (windows-10.0-amd64) go1.21.4 JetBrains IntelliJ IDEA/2023.3.2 IntelliJ-Wakatime/14.3.2', [{ entity: 'c', time: base + 500, project: 'alpha_site' }]);

    const projects = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects?q=ALPHA', headers: t.auth(apiKey) })).json().data;
    expect(projects.map((p: { name: string }) => p.name).sort()).toEqual(['Alpha_Site', 'alpha_site']);
    const alpha = projects.find((p: { name: string }) => p.name === 'Alpha_Site');
    expect(alpha).toMatchObject({ first_heartbeat_at: '2024-01-02T10:00:10Z', last_heartbeat_at: '2024-01-02T10:01:40Z', urlencoded_name: 'Alpha_Site', clients: [], has_public_url: false, url: null, repository: null });
    expect(alpha.human_readable_last_heartbeat_at).toMatch(/ago/);
    const underscore = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects?q=a_s', headers: t.auth(apiKey) })).json().data;
    expect(underscore).toHaveLength(2);
    const all = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/projects', headers: t.auth(apiKey) })).json().data;
    expect(all).toHaveLength(3);

    const machines = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/machine_names', headers: t.auth(apiKey) })).json().data;
    expect(machines.map((m: { name: string }) => m.name).sort()).toEqual(['desk', 'laptop']);
    expect(machines.find((m: { name: string }) => m.name === 'desk')).toMatchObject({ created_at: '2024-01-02T10:00:10Z', last_seen_at: '2024-01-02T10:01:40Z' });

    const agents = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/user_agents', headers: t.auth(apiKey) })).json().data;
    expect(agents).toHaveLength(2);
    const editors = agents.map((a: { editor: string; os: string }) => `${a.editor}/${a.os}`).sort();
    expect(editors).toEqual(['IntelliJ IDEA/Windows', 'Vim/Mac']);
  });
});

describeEachDatabase('API keys', (t) => {
  it('creates named keys shown once, lists them without secrets, and revokes them', async () => {
    const { apiKey } = await t.createUser();
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/api_keys', headers: t.auth(apiKey), payload: { name: 'laptop' } });
    expect(created.statusCode).toBe(201);
    const { data } = created.json();
    expect(data.api_key).toMatch(/^waka_[0-9a-f-]{36}$/);
    expect(data.name).toBe('laptop');
    const second = data.api_key as string;
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(second) })).statusCode).toBe(200);

    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/api_keys', headers: t.auth(apiKey) })).json().data;
    expect(list.map((k: { name: string }) => k.name)).toEqual(['default', 'laptop']);
    expect(JSON.stringify(list)).not.toContain(second);

    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/api_keys/${data.id}`, headers: t.auth(apiKey) });
    expect(del.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(second) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/current/api_keys/${data.id}`, headers: t.auth(apiKey) })).statusCode).toBe(404);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/api_keys', headers: t.auth(apiKey), payload: { name: '' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toHaveProperty('name');
  });

  it('records when each key was last used, at most once a minute, and lists it', async () => {
    const { apiKey } = await t.createUser();
    const created = (await t.app.inject({ method: 'POST', url: '/api/v1/users/current/api_keys', headers: t.auth(apiKey), payload: { name: 'desktop' } })).json().data;
    const lastUsed = async (name: string): Promise<string | null> => {
      await t.app.ctx.services.apiKeys.settle();
      const list = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/api_keys', headers: t.auth(apiKey) })).json().data as { name: string; last_used_at: string | null }[];
      await t.app.ctx.services.apiKeys.settle();
      return list.find((k) => k.name === name)!.last_used_at;
    };
    // a key nobody used yet
    expect(await lastUsed('desktop')).toBeNull();
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    try {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(created.api_key) })).statusCode).toBe(200);
      const first = await lastUsed('desktop');
      expect(first).not.toBeNull();
      expect(Math.abs(Date.parse(first!) - start)).toBeLessThan(2000);
      // the key used by the listing itself shows too
      expect(await lastUsed('default')).not.toBeNull();
      // used again 30 s later: no new write
      vi.setSystemTime(start + 30_000);
      await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(created.api_key) });
      expect(await lastUsed('desktop')).toBe(first);
      // a minute later: recorded again
      vi.setSystemTime(start + 61_000);
      await t.app.inject({ method: 'GET', url: '/api/v1/users/current', headers: t.auth(created.api_key) });
      const later = await lastUsed('desktop');
      expect(Date.parse(later!) - Date.parse(first!)).toBeGreaterThanOrEqual(60_000);
    } finally {
      vi.useRealTimers();
    }
  });
});
